export { command as scan } from './scan';
export { command as sign } from './sign';
export { command as verify } from './verify';
export { command as sbom } from './sbom';
