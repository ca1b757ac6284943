/**
 * Covalent stores task inputs and results as "TransportableObject" archives
 * (`.tobj`): [string offset: u64 BE][data offset: u64 BE][header JSON][str()][pickle].
 * The middle part is the server's string form of the value, readable without Python.
 * This is the one reader of that format; callers that fetch only the first bytes
 * of an archive ask `archiveLayout` how many they need.
 */
export const ARCHIVE_OFFSETS_BYTES = 16;

export interface TransportableObjectView {
  /** `str()` of the value, as Python printed it when the task finished (cut when the archive was). */
  readonly objectString: string;
  /** Header JSON: Python and cloudpickle versions, and the value's type docstring. */
  readonly header: Record<string, unknown>;
}

/** Where the parts of an archive start, read from its first 16 bytes. */
export interface ArchiveLayout {
  readonly stringOffset: number;
  readonly dataOffset: number;
  /** Bytes of the string form in the whole archive. */
  readonly stringBytes: number;
}

export class TransportableObjectFormatError extends Error {}

export function archiveLayout(prefix: Uint8Array): ArchiveLayout {
  if (prefix.byteLength < ARCHIVE_OFFSETS_BYTES) {
    throw new TransportableObjectFormatError(`a Covalent value archive needs at least ${ARCHIVE_OFFSETS_BYTES} bytes, got ${prefix.byteLength}`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const stringOffset = Number(view.getBigUint64(0));
  const dataOffset = Number(view.getBigUint64(8));
  if (stringOffset < ARCHIVE_OFFSETS_BYTES || dataOffset < stringOffset) {
    throw new TransportableObjectFormatError(`its offsets ${stringOffset}/${dataOffset} do not fit`);
  }
  return { stringOffset, dataOffset, stringBytes: dataOffset - stringOffset };
}

/** Reads a whole archive, or its first bytes (an HTTP Range): the string form is then cut where they end. */
export function readTransportableObject(archive: Uint8Array): TransportableObjectView {
  const { stringOffset, dataOffset } = archiveLayout(archive);
  if (stringOffset > archive.byteLength) {
    throw new TransportableObjectFormatError(`offsets ${stringOffset}/${dataOffset} do not fit an archive of ${archive.byteLength} bytes`);
  }
  const decoder = new TextDecoder('utf-8');
  let header: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(decoder.decode(archive.subarray(ARCHIVE_OFFSETS_BYTES, stringOffset)));
    if (parsed && typeof parsed === 'object') header = parsed as Record<string, unknown>;
  } catch {
    throw new TransportableObjectFormatError('the archive header is not JSON');
  }
  const objectString = decoder.decode(archive.subarray(stringOffset, Math.min(dataOffset, archive.byteLength)));
  return { objectString, header };
}
