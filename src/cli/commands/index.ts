export { command as scan } from './scan';
