// Findings of the headers scanner are located at a deployed URL, not at a file. Pure.

/**
 * Whether a finding's location is a deployed URL, not a file of the repository: reports say the
 * URL in words and anchor the finding elsewhere, since a URL made into a path points at nothing.
 * Its own module: the renderers need this and nothing of the scanner's checks and parsers.
 */
export function isUrlLocation(p: string): boolean {
  return /^https?:\/\//i.test(p);
}
