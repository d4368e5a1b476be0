/** Pictures in the shape Node-RED's e-mail node (nodemailer) sends as `msg.attachments`. */
import type { HikImage } from './hik-event';

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Lets an HTML body show the picture inline with `<img src="cid:…">`. */
  cid?: string;
}

export function toEmailAttachments(images: readonly HikImage[]): EmailAttachment[] {
  return images.map((image, i) => ({
    filename: image.filename ?? (/\.\w+$/.test(image.name) ? image.name : `${image.name || `picture${i + 1}`}.jpg`),
    content: image.data,
    contentType: image.contentType ?? 'image/jpeg',
    ...(image.contentId ? { cid: image.contentId.replace(/^<|>$/g, '') } : {}),
  }));
}
