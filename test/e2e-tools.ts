import { execFileSync } from 'node:child_process';

/**
 * For tests that need a real external tool: returns a skip reason when it is missing, loudly.
 * In CI (KUBEWARD_REQUIRE_E2E=1) a missing tool fails the test instead of skipping it.
 */
export function requireTool(command: string, args: string[] = ['--version']): string | false {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    return false;
  } catch {
    const message = `${command} is not installed: this end-to-end test cannot run`;
    if (process.env.KUBEWARD_REQUIRE_E2E === '1') throw new Error(`${message} (KUBEWARD_REQUIRE_E2E=1)`);
    process.stderr.write(`\n*** SKIPPED: ${message} ***\n\n`);
    return message;
  }
}
