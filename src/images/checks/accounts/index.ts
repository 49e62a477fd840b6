export { accountsCataloger, accountsOf, readAccountFile, wantsAccountFile, MAX_ACCOUNT_FILE_BYTES } from './cataloger.js';
export type { AccountsExtract, ImageAccounts } from './cataloger.js';
export { parsePasswd, parseShadow, parseGroup, parseSudoers, logicalLines, isIncludedSudoersName } from './parse.js';
export type { PasswordState, AccountLine, PasswdAccount, GroupEntry, SudoNoPasswordRule, Parsed } from './parse.js';
