// What the OSV matcher needs to know about one installed package.
import { z } from 'zod';

export const OsvPackageSchema = z.object({
  /** Ecosystem as a purl type (npm, pypi, golang...) or in OSV spelling (npm, PyPI, Go...). */
  ecosystem: z.string().min(1),
  name: z.string().min(1),
  version: z.string().min(1),
  purl: z.string().optional(),
  /** The lockfile (or SBOM) the package was read from, relative to the project. */
  path: z.string().min(1),
});
export type OsvPackage = z.infer<typeof OsvPackageSchema>;
