import { buildPurl, purlNamespaceForOsvEcosystem, purlType, purlTypeForOsvEcosystem, purlWithoutQualifiers } from '../../src/parsers/purl';

describe('purl helpers', () => {
  it('maps OSV ecosystems, with or without a release suffix', () => {
    expect(purlTypeForOsvEcosystem('PyPI')).toBe('pypi');
    expect(purlTypeForOsvEcosystem('Go')).toBe('golang');
    expect(purlTypeForOsvEcosystem('crates.io')).toBe('cargo');
    expect(purlTypeForOsvEcosystem('Debian:12')).toBe('deb');
    expect(purlNamespaceForOsvEcosystem('Debian:12')).toBe('debian');
    expect(purlNamespaceForOsvEcosystem('npm')).toBeUndefined();
    expect(purlTypeForOsvEcosystem('Nonesuch')).toBeUndefined();
  });

  it('splits names that carry their namespace', () => {
    expect(buildPurl('npm', '@babel/core', '7.0.0')).toBe('pkg:npm/%40babel/core@7.0.0');
    expect(buildPurl('maven', 'org.apache.tomcat:tomcat-catalina', '9.0.1')).toBe('pkg:maven/org.apache.tomcat/tomcat-catalina@9.0.1');
    expect(buildPurl('golang', 'github.com/x/y/v2', 'v2.0.0')).toBe('pkg:golang/github.com/x/y/v2@v2.0.0');
    expect(buildPurl('composer', 'vendor/pkg', '1.0', 'extra')).toBe('pkg:composer/extra/vendor/pkg@1.0');
    expect(buildPurl('pypi', 'Django_Foo')).toBe('pkg:pypi/django-foo');
  });

  it('returns undefined instead of an invalid purl', () => {
    expect(buildPurl('maven', 'no-group', '1.0')).toBeUndefined();
    expect(buildPurl('golang', 'github.com/x/y', 'vNOT-SEMVER')).toBeUndefined();
  });

  it('drops qualifiers and subpath, and recognizes purls', () => {
    expect(purlWithoutQualifiers('pkg:deb/debian/libc6@2.28-10?arch=amd64&distro=debian-10#sub')).toBe('pkg:deb/debian/libc6@2.28-10');
    expect(purlWithoutQualifiers('not a purl')).toBeUndefined();
    expect(purlType('pkg:deb/debian/libc6@1')).toBe('deb');
    expect(purlType('libc6')).toBeUndefined();
  });
});
