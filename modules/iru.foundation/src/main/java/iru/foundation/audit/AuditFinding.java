package iru.foundation.audit;

/**
 * One thing `verify-audit` found wrong.
 *
 * @param database the database it is in
 * @param subject  the table, column or journal entry, e.g. `users.nickname` or `audit_users tenant=… seq=4`
 * @param problem  what is wrong with it, in words an operator can act on
 */
public record AuditFinding(String database, String subject, String problem) {
    @Override
    public String toString() {
        return database + ": " + subject + ": " + problem;
    }
}
