/**
 * A model id is its directory's name under the models folder. The pattern admits no path
 * separator, and `.`/`..` are refused, so an id can never leave the folder; the names saveModel
 * uses for its temporary siblings (`x.tmp-…`, `x.old-…`) are not models either.
 */
const ID = /^[A-Za-z0-9._-]{1,100}$/;

export function isValidModelId(id: string): boolean {
  return ID.test(id) && id !== '.' && id !== '..' && !/\.(tmp|old)-/.test(id);
}
