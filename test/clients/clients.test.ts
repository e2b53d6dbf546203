import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../support/app';
import { ROOT } from '../support/process';
import { createPost, followUser, signUp, type TestUser } from '../support/scenario';

/**
 * The client kit in examples/ against a real Shutter: what a schema change breaks there, the
 * build reports. Its generated files are committed (readers see what the compilers emit, and
 * `npm run typecheck` checks the examples before this test runs), so the compilers check here
 * that they are up to date: a schema change a client operation no longer fits fails to compile.
 */
const run = promisify(execFile);
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

it('relay-compiler and the client preset find the committed artifacts up to date', async () => {
  const check = (tool: string, args: string[]) =>
    run(bin(tool), args, { cwd: ROOT }).catch((error) => {
      throw new Error(
        `${tool}: run \`npm run codegen:clients\` and commit the result\n${error.stdout}${error.stderr}`,
      );
    });
  await check('relay-compiler', ['--validate', '--output', 'quiet-with-errors']);
  await check('graphql-codegen', ['--config', 'examples/apollo/codegen.ts', '--check']);
});

/** A reader following an author of five posts ("post 0" oldest to "post 4" newest). */
async function scenario(): Promise<{ reader: TestUser; author: TestUser }> {
  const [reader, author] = [await signUp(app), await signUp(app)];
  await followUser(app, reader, author);
  for (let n = 0; n < 5; n++) await createPost(app, author, { caption: `post ${n}` });
  return { reader, author };
}

/**
 * Runs an example as `npx tsx examples/<name>/main.ts` would, logged in as `reader`. Once it
 * says it has subscribed, the author posts until it exits: a graphql-ws subscription becomes
 * active some time after the client sends it, so posting once could come too early.
 */
async function runExample(name: string, reader: TestUser, author: TestUser): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}/main.ts`], {
    cwd: ROOT,
    env: {
      ...process.env,
      SHUTTER_URL: app.url,
      SHUTTER_LOGIN: reader.username,
      SHUTTER_PASSWORD: reader.password,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let live = 0;
  let running = true;
  void exited.then(() => (running = false));
  const deadline = Date.now() + 40_000;
  while (running && Date.now() < deadline) {
    if (output.includes('subscribed to postCreated'))
      await createPost(app, author, { caption: `live ${live++}` });
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (running) child.kill();
  const code = await exited;
  if (code !== 0) throw new Error(`examples/${name} exited with ${code}:\n${output}`);
  // one line per log call, however util.inspect wrapped the arrays
  return output.replace(/\s+/g, ' ');
}

it('the Apollo Client example reads the feed, likes a post and receives postCreated', async () => {
  const { reader, author } = await scenario();
  const output = await runExample('apollo', reader, author);
  expect(output).toContain("feed: [ 'post 4', 'post 3', 'post 2' ]");
  expect(output).toContain('liked: post 4 true 1');
  expect(output).toMatch(/postCreated: live \d+ $/);
});

it('the Relay example pages the feed and a profile, likes a post and prepends the postCreated post', async () => {
  const { reader, author } = await scenario();
  const output = await runExample('relay', reader, author);
  expect(output).toContain("feed: [ 'post 4', 'post 3' ]");
  expect(output).toContain("feed after the next page: [ 'post 4', 'post 3', 'post 2', 'post 1' ]");
  expect(output).toContain(`${author.username}'s posts: [ 'post 4', 'post 3', 'post 2', 'post 1' ]`);
  expect(output).toContain('liked: post 4 true 1');
  expect(output).toMatch(
    /feed after postCreated: \[ 'live \d+', 'post 4', 'post 3', 'post 2', 'post 1' \] $/,
  );
});
