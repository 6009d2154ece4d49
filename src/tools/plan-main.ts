// The action's "Plan tools" step: reads the same inputs as the gate (CHAINGATE_INPUT_*), loads
// the policy the gate will load, and writes the tools to install and the cache key as step
// outputs. A configuration the gate will reject plans every tool: the gate then reports the
// error itself, with its file and line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import { input, lines, optionsFromInputs } from '../action/main';
import { loadInputs } from '../gate/run-gate';
import { INSTALLABLE, toolCacheKey, toolsToInstall, type InstallableTool } from './plan';

export function planFromEnv(env: NodeJS.ProcessEnv, log: (l: string) => void): InstallableTool[] {
  try {
    const opts = optionsFromInputs(env, () => new Date(), { info: log, warning: log, group: () => undefined });
    const { policy } = loadInputs(opts);
    return toolsToInstall({
      policy,
      reports: opts.reports.map((r) => r.tool),
      verifyImage: opts.verifyImage,
      signImage: input(env, 'sign-image'),
      signBlobs: lines(input(env, 'sign-blobs')),
      env,
    });
  } catch (e) {
    log(`chaingate: could not plan the tools (${(e as Error).message}); installing all of them`);
    return [...INSTALLABLE];
  }
}

export function runPlan(env: NodeJS.ProcessEnv, actionPath: string): { tools: InstallableTool[]; key: string } {
  const tools = planFromEnv(env, (l) => core.info(l));
  const pins = ['src/tools/versions.json', 'src/tools/semgrep-requirements.txt'].map((f) => fs.readFileSync(path.join(actionPath, f), 'utf8'));
  const key = toolCacheKey(pins, env.RUNNER_OS ?? process.platform, env.RUNNER_ARCH ?? process.arch, tools);
  core.info(`chaingate: tools this run needs: ${tools.length ? tools.join(', ') : 'none'}`);
  core.setOutput('tools', tools.join(' '));
  core.setOutput('cache-key', key);
  return { tools, key };
}

if (require.main === module) runPlan(process.env, path.resolve(__dirname, '..'));
