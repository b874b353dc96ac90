package iru.interfaces.provisioning;

import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import iru.domain.group.Group;
import iru.domain.user.User;
import iru.domain.user.UserStatus;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Our users and groups as SCIM resources (RFC 7643), kept small: what an application needs to create an account and
 * nothing a tenant did not give us. `externalId` is always OUR id, which is how an account is attributed to one of
 * ours later (the user's own `externalId` field belongs to the tenant's HR system, not to the application).
 */
final class ScimMapping {
    private ScimMapping() {
    }

    static UserResource user(User user) {
        UserResource resource = new UserResource()
                .setUserName(user.profile().userName())
                .setDisplayName(user.profile().displayName())
                .setActive(user.status() == UserStatus.active)
                .setEmails(List.of(new Email().setValue(user.profile().email()).setType("work").setPrimary(true)));
        if (user.profile().givenName() != null || user.profile().familyName() != null) {
            resource.setName(new Name().setGivenName(user.profile().givenName())
                    .setFamilyName(user.profile().familyName()));
        }
        resource.setExternalId(user.id().toString());
        return resource;
    }

    static GroupResource group(Group group, List<String> memberRemoteIds) {
        GroupResource resource = new GroupResource().setDisplayName(group.displayName())
                .setMembers(memberRemoteIds.stream().map(id -> new Member().setValue(id).setType("User")).toList());
        resource.setExternalId(group.id().toString());
        return resource;
    }

    /** `{"op": "add", "path": "members", "value": [{"value": <id>}]}` (RFC 7644 §3.5.2.1). */
    static PatchRequest addMember(String userRemoteId) {
        var factory = JsonUtils.getJsonNodeFactory();
        try {
            return new PatchRequest(PatchOperation.add("members",
                    factory.arrayNode().add(factory.objectNode().put("value", userRemoteId))));
        } catch (ScimException e) {
            throw new IllegalStateException("'members' is a valid SCIM path", e);
        }
    }

    /**
     * Which of the attributes we send differ in the application's copy (empty if none). `userName` and email
     * addresses compare case-insensitively (RFC 7643 §4.1: `userName` is not case-exact); an attribute we do not
     * send is not compared.
     */
    static Optional<String> drift(UserResource remote, UserResource wanted) {
        List<String> differ = new java.util.ArrayList<>();
        if (!equalsIgnoreCase(remote.getUserName(), wanted.getUserName())) {
            differ.add("userName");
        }
        if (!Objects.equals(remote.getExternalId(), wanted.getExternalId())) {
            differ.add("externalId");
        }
        if (!Objects.equals(Boolean.TRUE.equals(remote.getActive()), Boolean.TRUE.equals(wanted.getActive()))) {
            differ.add("active");
        }
        if (!Objects.equals(remote.getDisplayName(), wanted.getDisplayName())) {
            differ.add("displayName");
        }
        if (!Objects.equals(given(remote.getName()), given(wanted.getName()))
                || !Objects.equals(family(remote.getName()), family(wanted.getName()))) {
            differ.add("name");
        }
        if (!equalsIgnoreCase(primaryEmail(remote), primaryEmail(wanted))) {
            differ.add("emails");
        }
        return differ.isEmpty() ? Optional.empty() : Optional.of(String.join(",", differ));
    }

    static Optional<String> drift(GroupResource remote, GroupResource wanted) {
        List<String> differ = new java.util.ArrayList<>();
        if (!Objects.equals(remote.getDisplayName(), wanted.getDisplayName())) {
            differ.add("displayName");
        }
        if (!Objects.equals(remote.getExternalId(), wanted.getExternalId())) {
            differ.add("externalId");
        }
        if (!memberIds(remote).equals(memberIds(wanted))) {
            differ.add("members");
        }
        return differ.isEmpty() ? Optional.empty() : Optional.of(String.join(",", differ));
    }

    private static Set<String> memberIds(GroupResource group) {
        return group.getMembers() == null ? Set.of()
                : group.getMembers().stream().map(Member::getValue).filter(Objects::nonNull).collect(Collectors.toSet());
    }

    private static String given(Name name) {
        return name == null ? null : name.getGivenName();
    }

    private static String family(Name name) {
        return name == null ? null : name.getFamilyName();
    }

    private static String primaryEmail(UserResource user) {
        if (user.getEmails() == null || user.getEmails().isEmpty()) {
            return null;
        }
        return user.getEmails().stream().filter(e -> Boolean.TRUE.equals(e.getPrimary())).findFirst()
                .orElse(user.getEmails().getFirst()).getValue();
    }

    private static boolean equalsIgnoreCase(String a, String b) {
        return a == null ? b == null : b != null && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
