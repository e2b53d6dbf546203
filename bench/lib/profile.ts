/** Summaries of a V8 CPU profile: where the server's busy samples landed. */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

type Share = { name: string; percent: number };

export interface ProfileSummary {
  samples: number;
  /** share of samples the thread was busy (not idle); the shares below are of busy samples */
  busyPercent: number;
  /** self time by package (node_modules/<name>), Shutter folder (src/<domain>), "node" or VM entries */
  selfByPackage: Share[];
  /** time with the package anywhere on the stack (a sample counts once per package) */
  inclusiveByPackage: Share[];
  /** functions with the most self time */
  topFunctions: Share[];
}

function packageOf({ url, functionName }: ProfileNode['callFrame']): string {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const src = /\/src\/([^/]+)/.exec(url);
  if (src) return `shutter:${src[1]!.replace(/\.ts$/, '')}`;
  if (url === '') return functionName || '(anonymous)';
  return 'node';
}

const functionOf = ({ functionName, url, lineNumber }: ProfileNode['callFrame']) => {
  const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/');
  return `${functionName || '(anonymous)'}${where ? ` ${where}:${lineNumber + 1}` : ''}`;
};

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const { nodes } = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  let samples = 0;
  let idle = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    samples += hits;
    if (hits === 0) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle += hits;
      continue;
    }
    add(self, packageOf(node.callFrame), hits);
    add(functions, functionOf(node.callFrame), hits);
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName !== '(root)') onStack.add(packageOf(frame));
    }
    for (const pkg of onStack) add(inclusive, pkg, hits);
  }
  const busy = samples - idle || 1;
  const shares = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => ({ name, percent: Math.round((1000 * hits) / busy) / 10 }));
  return {
    samples,
    busyPercent: Math.round((1000 * busy) / (samples || 1)) / 10,
    selfByPackage: shares(self, top),
    inclusiveByPackage: shares(inclusive, top),
    topFunctions: shares(functions, top),
  };
}

interface AllocationNode {
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: AllocationNode[];
}

export interface AllocationSummary {
  /** sampled bytes allocated per request (objects since collected included) */
  bytesPerRequest: number;
  /** where they were allocated: by package and by function, shares of the bytes */
  byPackage: Share[];
  topFunctions: Share[];
}

/** A sampling heap profile (.heapprofile) taken over `requests` requests. */
export function summarizeAllocations(file: string, requests: number, top = 20): AllocationSummary {
  const { head } = JSON.parse(fs.readFileSync(file, 'utf8')) as { head: AllocationNode };
  const byPackage = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  const walk = (node: AllocationNode) => {
    if (node.selfSize > 0) {
      total += node.selfSize;
      const pkg = packageOf(node.callFrame);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
      const fn = functionOf(node.callFrame);
      functions.set(fn, (functions.get(fn) ?? 0) + node.selfSize);
    }
    node.children.forEach(walk);
  };
  walk(head);
  const shares = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, bytes]) => ({ name, percent: Math.round((1000 * bytes) / total) / 10 }));
  return {
    bytesPerRequest: Math.round(total / Math.max(1, requests)),
    byPackage: shares(byPackage, 12),
    topFunctions: shares(functions, top),
  };
}
