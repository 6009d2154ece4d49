// A project's own policy file (projects: [{path, policy}]) can lower a threshold as surely as the
// monorepo policy can: its edits are listed with the policy's changes, named by project folder.
import { PolicySchema, type Policy } from '../../src/config/schema';
import { diffGate } from '../../src/core/policy-changes';

const mono = PolicySchema.parse({ projects: [{ path: 'services/api', policy: 'services/api/p.yml' }] });
const withFailOn = (p: Policy, failOn: Record<string, string>): Policy => ({ ...p, 'fail-on': { ...p['fail-on'], ...failOn } as Policy['fail-on'] });
const side = (policy: Policy, projects?: Map<string, Policy>) => ({ policy, policyFile: '.chaingate.yml', exceptions: [], vex: [], projects });

describe('policy changes of project policy files', () => {
  it('lists a project threshold the change lowers, naming the project', () => {
    const base = side(mono, new Map([['services/api', mono]]));
    const head = side(mono, new Map([['services/api', withFailOn(mono, { vulnerability: 'critical' })]]));
    expect(diffGate(base, head)).toEqual([
      { file: '.chaingate.yml', what: 'policy', change: 'modified', details: [`project services/api: fail-on.vulnerability: "${mono['fail-on'].vulnerability}" → "critical"`] },
    ]);
  });

  it('lists a project policy added or dropped against the monorepo policy, and the root folder as "."', () => {
    const lax = withFailOn(mono, { secret: 'critical' });
    expect(diffGate(side(mono), side(mono, new Map([['', lax]])))[0].details).toEqual([`project .: fail-on.secret: "${mono['fail-on'].secret}" → "critical"`]);
    expect(diffGate(side(mono, new Map([['web', lax]])), side(mono))[0].details).toEqual([`project web: fail-on.secret: "critical" → "${mono['fail-on'].secret}"`]);
  });

  it('does not repeat under each project what the monorepo policy change already says', () => {
    const head = withFailOn(mono, { license: 'critical' });
    const changes = diffGate(side(mono, new Map([['a', mono]])), side(head, new Map([['a', head]])));
    expect(changes[0].details).toEqual([`fail-on.license: "${mono['fail-on'].license}" → "critical"`]);
  });

  it('says nothing when no project policy changed', () => {
    expect(diffGate(side(mono, new Map([['a', mono]])), side(mono, new Map([['a', mono]])))).toEqual([]);
  });
});
