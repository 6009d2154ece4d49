import { parseCommandLine } from '../../src/cli/args';
import { UsageError } from '../../src/errors';
import { parseCommandArgs } from '../../src/sign/cli-support';

describe('command-line parsing shared by the commands', () => {
  it('returns options and positionals', () => {
    const r = parseCommandLine(['dir', '--config', 'p.yml'], { config: { type: 'string' } }, 'USAGE');
    expect(r.values.config).toBe('p.yml');
    expect(r.positionals).toEqual(['dir']);
  });

  it('turns an unknown option into a usage error followed by the usage', () => {
    expect(() => parseCommandLine(['--nope'], { config: { type: 'string' } }, 'USAGE TEXT')).toThrow(UsageError);
    expect(() => parseCommandLine(['--nope'], { config: { type: 'string' } }, 'USAGE TEXT')).toThrow(/--nope[\s\S]*\n\nUSAGE TEXT$/);
  });

  it('refuses positionals for commands that take none (sign, verify)', () => {
    expect(parseCommandArgs(['--key', 'k'], { key: { type: 'string' } }, 'U').key).toBe('k');
    expect(() => parseCommandArgs(['extra'], { key: { type: 'string' } }, 'U')).toThrow(/Unexpected argument 'extra'[\s\S]*\n\nU$/);
  });
});
