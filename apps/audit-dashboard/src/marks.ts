/** Set once the first numbers are on the page; `npm run bench -- audit` measures the time to it. */
export const FIRST_DATA_MARK = 'dashboard:first-data';
