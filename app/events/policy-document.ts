/**
 * Reads an IAM policy document as CloudTrail records it: a JSON string, sometimes URL-encoded
 * (trust policies especially). Returns `undefined` when neither form is JSON.
 */
export function parsePolicyDocument(document: string): unknown {
  return parseJson(document) ?? parseJson(urlDecode(document));
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function urlDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
