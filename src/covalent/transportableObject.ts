/**
 * Covalent stores task inputs and results as "TransportableObject" archives
 * (`.tobj`): [string offset: u64 BE][data offset: u64 BE][header JSON][str()][pickle].
 * The middle part is the server's string form of the value, readable without Python.
 */
const OFFSETS_BYTES = 16;

export interface TransportableObjectView {
  /** `str()` of the value, as Python printed it when the task finished. */
  readonly objectString: string;
  /** Header JSON: Python and cloudpickle versions, and the value's type docstring. */
  readonly header: Record<string, unknown>;
}

export class TransportableObjectFormatError extends Error {}

export function readTransportableObject(archive: Uint8Array): TransportableObjectView {
  if (archive.byteLength < OFFSETS_BYTES) {
    throw new TransportableObjectFormatError(`a Covalent value archive needs at least ${OFFSETS_BYTES} bytes, got ${archive.byteLength}`);
  }
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const stringOffset = Number(view.getBigUint64(0));
  const dataOffset = Number(view.getBigUint64(8));
  if (stringOffset < OFFSETS_BYTES || dataOffset < stringOffset || stringOffset > archive.byteLength) {
    throw new TransportableObjectFormatError(`offsets ${stringOffset}/${dataOffset} do not fit an archive of ${archive.byteLength} bytes`);
  }
  const decoder = new TextDecoder('utf-8');
  let header: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(decoder.decode(archive.subarray(OFFSETS_BYTES, stringOffset)));
    if (parsed && typeof parsed === 'object') header = parsed as Record<string, unknown>;
  } catch {
    throw new TransportableObjectFormatError('the archive header is not JSON');
  }
  // The string may be cut when only the first bytes were fetched (HTTP Range).
  const objectString = decoder.decode(archive.subarray(stringOffset, Math.min(dataOffset, archive.byteLength)));
  return { objectString, header };
}
