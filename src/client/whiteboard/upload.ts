// Image uploads for the board: the raw file as the body of POST /api/rooms/<roomId>/assets
// (session cookie), answered with the stored asset's id and size.
export interface UploadedAsset {
  assetId: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
}

export const UPLOAD_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg']);

export async function uploadImage(roomId: string, file: Blob): Promise<UploadedAsset> {
  if (!UPLOAD_TYPES.has(file.type)) throw new Error('Only PNG and JPEG images can be added to the board.');
  let res: Response;
  try {
    res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/assets`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': file.type, accept: 'application/json' },
      body: file,
    });
  } catch {
    throw new Error('Could not reach the server to upload the image.');
  }
  const data = (await res.json().catch(() => null)) as (UploadedAsset & { error?: { message?: string } }) | null;
  if (!res.ok || !data || typeof data.assetId !== 'string') {
    throw new Error(data?.error?.message ?? `The upload failed (HTTP ${res.status}).`);
  }
  return data;
}

/** A PDF of slides: the server renders each page to an image; answered with one asset a page. */
export async function uploadSlides(roomId: string, file: Blob): Promise<UploadedAsset[]> {
  let res: Response;
  try {
    res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/assets`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/pdf', accept: 'application/json' },
      body: file,
    });
  } catch {
    throw new Error('Could not reach the server to upload the slides.');
  }
  const data = (await res.json().catch(() => null)) as { pages?: UploadedAsset[]; error?: { message?: string } } | null;
  if (!res.ok || !data?.pages) throw new Error(data?.error?.message ?? `The upload failed (HTTP ${res.status}).`);
  return data.pages;
}
