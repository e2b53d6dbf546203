/**
 * Bare argon2id verifications per second with the server's parameters (from its config), in a
 * fresh process like the server: the ceiling for logIn throughput on this machine.
 *   node --import tsx bench/argon2-bare.ts <seconds> <concurrency>   -> JSON on stdout
 */
import argon2 from 'argon2';
import { parseConfig } from '../src/config';

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const concurrency = Number(process.argv[3] ?? 4);
  const config = parseConfig({ ...process.env, NODE_ENV: 'production' });
  const options = {
    type: argon2.argon2id,
    memoryCost: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: config.ARGON2_PARALLELISM,
  };
  const hash = await argon2.hash('bench-password', options);
  const warmupEnd = performance.now() + 1000;
  const end = warmupEnd + seconds * 1000;
  let verifies = 0;
  // CPU of the whole process (the hashing threads, mostly) per verification, from the end of
  // the warm-up to the last verification's end, over the verifications finished in that span
  let cpuAtWarmupEnd: NodeJS.CpuUsage | undefined;
  let verifiesAfterWarmup = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const ok = await argon2.verify(hash, 'bench-password');
      if (!ok) throw new Error('verify failed');
      const t = performance.now();
      if (t > warmupEnd && t <= end) verifies++;
      if (t > warmupEnd) verifiesAfterWarmup++;
      else cpuAtWarmupEnd = process.cpuUsage();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const { user, system } = process.cpuUsage(cpuAtWarmupEnd);
  const cpuMsPerVerify = (user + system) / 1000 / verifiesAfterWarmup;
  process.stdout.write(
    JSON.stringify({ verifies, seconds, rate: verifies / seconds, cpuMsPerVerify, options }) + '\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
