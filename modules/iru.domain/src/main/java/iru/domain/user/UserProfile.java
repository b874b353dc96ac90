package iru.domain.user;

import iru.domain.common.Text;
import iru.domain.validation.InvalidFieldException;
import java.util.regex.Pattern;

/** The editable fields of a user, validated: what create takes and what a merge patch produces. */
public record UserProfile(String userName, String email, String givenName, String familyName, String displayName,
        String externalId) {
    public static final int MAX_NAME = 256;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+$");

    public UserProfile {
        userName = Text.required("userName", userName, MAX_NAME);
        email = Text.required("email", email, 320);
        if (!EMAIL.matcher(email).matches()) {
            throw new InvalidFieldException("email", "must be an email address like name@example.com");
        }
        givenName = Text.optional("givenName", givenName, MAX_NAME);
        familyName = Text.optional("familyName", familyName, MAX_NAME);
        displayName = Text.optional("displayName", displayName, MAX_NAME);
        externalId = Text.optional("externalId", externalId, MAX_NAME);
    }
}
