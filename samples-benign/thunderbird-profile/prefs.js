// Mozilla User Preferences

// A fictitious profile written by mailhunt's tests/gen-samples.c.
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.identity.id1.fullName", "鈴木一郎");
user_pref("mail.identity.id1.useremail", "ichiro.suzuki@example.com");
user_pref("mail.server.server1.directory-rel", "[ProfD]Mail/Local Folders");
user_pref("mail.server.server1.hostname", "Local Folders");
user_pref("mail.server.server1.type", "none");
