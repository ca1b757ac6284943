/**
 * Builds a Covalent value archive (`.tobj`) as the server stores one: two
 * big-endian 64-bit offsets (where the string form starts, where the pickled
 * data starts), then the JSON header, the string form and the data.
 */
export function tobjArchive(header: string, objectString: string, data = 'gAWVpickle'): Uint8Array {
  const encoder = new TextEncoder();
  const [h, s, d] = [encoder.encode(header), encoder.encode(objectString), encoder.encode(data)];
  const bytes = new Uint8Array(16 + h.length + s.length + d.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(16 + h.length));
  view.setBigUint64(8, BigInt(16 + h.length + s.length));
  bytes.set(h, 16);
  bytes.set(s, 16 + h.length);
  bytes.set(d, 16 + h.length + s.length);
  return bytes;
}
