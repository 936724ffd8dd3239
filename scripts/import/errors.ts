/** The one error the importer raises: a line naming the file and what to do. Nothing is written when it is thrown. */
export class ImportError extends Error {}
