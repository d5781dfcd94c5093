/**
 * Parser messages without the excerpt of the input they quote. V8's JSON.parse quotes up to
 * a few dozen characters around the error and the yaml library prints the offending line:
 * in a Secret's body that excerpt can be the secret. Positions stay, which is what a
 * client needs to find the mistake.
 */
export function withoutInputExcerpt(message: string): string {
  const firstLine = message.split('\n')[0]!.replace(/:\s*$/, '');
  return firstLine.replace(/^(Unexpected token) '.*?', .* is not valid JSON$/s, '$1 (the input is not valid JSON)').replace(/^".*" is not valid JSON$/s, 'the input is not valid JSON');
}
