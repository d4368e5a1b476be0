/** A document that is not well-formed, or that the readers refuse (DOCTYPE, too deep, …). */
export class XmlError extends Error {
  /**
   * @param reason what is wrong, worded to follow "XML …" (never quoting the document)
   * @param offset where in the text, when known
   */
  constructor(readonly reason: string, readonly offset?: number) {
    super(offset === undefined ? `XML ${reason}` : `${reason} at offset ${offset}`);
    this.name = 'XmlError';
  }
}
