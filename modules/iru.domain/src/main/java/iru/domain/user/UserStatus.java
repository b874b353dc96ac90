package iru.domain.user;

/** An inactive user keeps its data and memberships but cannot sign in or be provisioned. */
public enum UserStatus {
    active,
    inactive
}
