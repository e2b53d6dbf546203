import path from 'node:path';
import { env, stderr } from 'node:process';

/**
 * With SHUTTER_FORBID_SKIPS=1, fails the run if any test did not run (skip, todo, a skipped
 * describe, or one left out by an `only`). Tests that need PostgreSQL or Redis skip with a
 * warning when they are not given them; CI's run on PostgreSQL with Redis gives everything, so a
 * skip there means the step lost its DATABASE_URL or REDIS_URL, and it must not pass green.
 * Without the variable this reporter does nothing.
 */
export default class ForbidSkipsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.enabled = env.SHUTTER_FORBID_SKIPS === '1';
    this.skipped = [];
    this.error = undefined;
  }

  onTestResult(_test, testResult) {
    if (!this.enabled) return;
    const file = path.relative(this.rootDir, testResult.testFilePath);
    for (const result of testResult.testResults) {
      if (result.status !== 'passed' && result.status !== 'failed') {
        this.skipped.push(`${file}: ${result.fullName} (${result.status})`);
      }
    }
  }

  onRunComplete(_testContexts, results) {
    if (!this.enabled) return;
    const notRun = results.numPendingTests + results.numTodoTests;
    if (notRun === 0 && results.numPendingTestSuites === 0 && this.skipped.length === 0) return;
    const message =
      `SHUTTER_FORBID_SKIPS=1: this run must run every test, but ${notRun} did not:\n` +
      this.skipped.map((line) => `  - ${line}`).join('\n');
    stderr.write(`\n${message}\n`);
    this.error = new Error(message);
  }

  /** Jest fails the run when a reporter reports an error. */
  getLastError() {
    return this.error;
  }
}
