import { runAction } from './action/main';

void runAction().then((code) => {
  process.exitCode = code;
});
