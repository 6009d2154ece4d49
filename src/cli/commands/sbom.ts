// `chaingate sbom`: a CycloneDX SBOM from the lockfiles under DIR (and an image's packages).
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors';
import type { WriteSbomOptions, WriteSbomResult } from '../../sbom/write';
import { EXIT, type Command, type CommandIO } from '../types';
import { escapeData } from '../../log-text';

export type { WriteSbomOptions, WriteSbomResult };

/**
 * Writes the SBOM of `dir` (what `scan` calls when the policy says `sbom: true`). The SBOM code
 * and the CycloneDX library load on first use, so other commands do not pay for them at start-up.
 */
export async function writeSbom(dir: string, opts: WriteSbomOptions = {}): Promise<WriteSbomResult> {
  const impl = await import('../../sbom/write');
  return impl.writeSbom(dir, opts);
}

const USAGE = `chaingate sbom [DIR] [options]

Writes a CycloneDX JSON SBOM of the project in DIR (default: the current directory) from its
lockfiles (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, poetry.lock,
requirements*.txt, go.mod), without installing anything.

  --output FILE          where to write (default: sbom.cdx.json; - for stdout)
  --spec-version V       1.6 (default) or 1.5
  --image REF            add the packages of this image (registry reference, tarball or OCI
                         layout, read by Trivy); the image becomes the SBOM's subject
  --insecure-registry    the image registry speaks plain HTTP
  --exclude-dev          leave development-only dependencies out (default: scope "optional")
  --skip-dir D           a directory not searched (repeatable; replaces the defaults
                         node_modules, vendor, .git, fixtures, __fixtures__, testdata, .venv, venv)

SOURCE_DATE_EPOCH, when set, fixes the timestamp and derives the serial number from the content:
the same input gives the same bytes.

Exit codes: 0 written, 2 invalid usage or an unreadable lockfile, 3 a tool could not run.`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        output: { type: 'string', short: 'o' },
        'spec-version': { type: 'string' },
        image: { type: 'string' },
        'insecure-registry': { type: 'boolean' },
        'exclude-dev': { type: 'boolean' },
        'skip-dir': { type: 'string', multiple: true },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${USAGE}`);
  }
}

export const command: Command = {
  name: 'sbom',
  summary: 'write a CycloneDX SBOM from lockfiles (and an image)',
  usage: USAGE,
  async run(argv: string[], io: CommandIO): Promise<number> {
    const { values, positionals } = parse(argv);
    if (positionals.length > 1) throw new UsageError(`one directory at most, got ${positionals.join(' ')}\n\n${USAGE}`);
    const spec = values['spec-version'] ?? '1.6';
    if (spec !== '1.6' && spec !== '1.5') throw new UsageError(`--spec-version ${spec}: use 1.6 or 1.5`);
    const r = await writeSbom(positionals[0] ?? '.', {
      output: values.output,
      specVersion: spec,
      image: values.image,
      insecureRegistry: values['insecure-registry'],
      excludeDev: values['exclude-dev'],
      skipDirs: values['skip-dir'],
      env: io.env,
      cwd: io.cwd,
      now: io.now,
    });
    for (const w of r.warnings) io.stderr(`chaingate: warning: ${escapeData(w)}\n`);
    if (r.text !== undefined) io.stdout(r.text);
    else io.stderr(`chaingate: wrote ${r.file} (${r.components} components from ${r.lockfiles.length} lockfile(s))\n`);
    return EXIT.PASS;
  },
};
