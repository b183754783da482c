/**
 * The bundled price data's version and date, apart from the data itself so
 * that what only names the date (the renderer's modules among them) does not
 * pull the catalog into its bundle.
 */

/** The `@pydantic/genai-prices` version whose data is bundled, and the day it was published: the date the prices are "as of". */
export const CATALOG_VERSION = '0.1.8';
export const PRICES_AS_OF = '2026-09-23';
