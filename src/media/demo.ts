import sharp from 'sharp';

const PALETTES = [
  ['#f97316', '#7c3aed'],
  ['#0ea5e9', '#22c55e'],
  ['#e11d48', '#fbbf24'],
  ['#14b8a6', '#1e3a8a'],
  ['#a855f7', '#f472b6'],
  ['#84cc16', '#0f766e'],
];
/** landscape, square and portrait, as phones take them */
const SHAPES: [number, number][] = [
  [1200, 900],
  [1080, 1080],
  [900, 1200],
];

/**
 * The demo data's pictures: JPEGs drawn from SVG (a gradient sky, a sun, hills), different for
 * each `index` and the same on every machine. No network: Sandbox shows real renditions and
 * blurhashes offline.
 */
export function demoPicture(index: number): Promise<Buffer> {
  const [from, to] = PALETTES[index % PALETTES.length]!;
  const [width, height] = SHAPES[index % SHAPES.length]!;
  const sun = { x: ((index * 37) % 80) + 10, y: ((index * 23) % 40) + 10, r: 6 + ((index * 5) % 10) };
  const ridge = (offset: number) =>
    Array.from({ length: 9 }, (_, k) => {
      const y = 55 + offset + Math.sin((k + index) * 1.3) * 8;
      return `${(k * width) / 8},${(y * height) / 100}`;
    }).join(' ');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${sun.x}%" cy="${sun.y}%" r="${(sun.r * Math.min(width, height)) / 100}" fill="#fff7d6"/>
    <polygon points="0,${height} ${ridge(0)} ${width},${height}" fill="#1f2937" fill-opacity="0.55"/>
    <polygon points="0,${height} ${ridge(15)} ${width},${height}" fill="#111827" fill-opacity="0.8"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}
