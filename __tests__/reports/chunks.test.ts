import { resultJsonChunks, orderResult } from '../../src/reports/result-json';
import { renderSarif, sarifJsonChunks } from '../../src/reports/sarif';
import { gateResult, many, representative } from './build';

// The streamed reports must be the very bytes of the one-piece serialization, whatever the
// chunk size: the shell writes the pieces, tests and users compare with JSON.stringify.
describe('resultJsonChunks', () => {
  it.each([1, 3, 2000])('joins to the pretty serialization of the ordered result (%i findings a piece)', (size) => {
    for (const r of [representative(), gateResult({ findings: many(7) })]) {
      const pieces = [...resultJsonChunks(r, size)];
      expect(pieces.join('')).toBe(JSON.stringify(orderResult(r), null, 2) + '\n');
      expect(pieces.length).toBe(2 + Math.ceil(r.findings.length / size));
    }
  });

  it('writes an empty findings list in one piece', () => {
    const r = gateResult({ findings: [] });
    expect([...resultJsonChunks(r)]).toEqual([JSON.stringify(orderResult(r), null, 2) + '\n']);
  });
});

describe('sarifJsonChunks', () => {
  it.each([1, 2, 2000])('joins to the compact serialization of the log (%i results a piece)', (size) => {
    const opts = { toolVersion: '1.0.0', completedTools: ['grype'], maxResultsPerRun: 5 };
    for (const r of [representative(), gateResult({ findings: many(12) }), gateResult({ findings: [] })]) {
      expect([...sarifJsonChunks(r, opts, size)].join('')).toBe(JSON.stringify(renderSarif(r, opts)) + '\n');
    }
  });
});
