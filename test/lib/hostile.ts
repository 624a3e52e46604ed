// Strings that break naive shell quoting: each must survive byte for byte.
export const hostile = [
  "",
  "plain",
  "it's",
  `say "hi"`,
  "$(touch /nonexistent/pwned)",
  "`id`",
  "${HOME}",
  "line1\nline2\n",
  "tab\there",
  "back\\slash",
  "-n",
  "*",
  "ünïcödé ☃",
  "'\"'\"",
];
