import { type GraphExportData, MAX_EXPORT_CHARS } from './graphProtocol';

/** Checks a picture the page sent before it is written to disk. No `vscode` here: unit-tested in Node. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The bytes of a picture from the page, or undefined when it is not the picture it claims to be. */
export function pictureBytes(picture: GraphExportData): Uint8Array | undefined {
  if (picture.data.length === 0 || picture.data.length > MAX_EXPORT_CHARS) return undefined;
  if (picture.format === 'svg') return /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(picture.data) ? new TextEncoder().encode(picture.data) : undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(picture.data)) return undefined;
  const bytes = new Uint8Array(Buffer.from(picture.data, 'base64'));
  return PNG_SIGNATURE.every((byte, index) => bytes[index] === byte) ? bytes : undefined;
}
