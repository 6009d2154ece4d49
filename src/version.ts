// The version, and only it: a named import lets the bundler leave the rest of package.json out.
import { version } from '../package.json';

export const VERSION: string = version;
