package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.domain.Caller;
import dev.campaigns.domain.OwnerRule;

/**
 * The event of an AppSync direct Lambda resolver: the field's arguments, the caller's identity (IAM or Cognito
 * user pools), the parent object for a field of a type, and which field is being resolved.
 */
public record AppSyncEvent(JsonNode arguments, JsonNode identity, JsonNode source, Info info) {

    public record Info(String parentTypeName, String fieldName) {
    }

    /** "Mutation.createCampaign", "Campaign.changesets", ... */
    public String field() {
        return info == null ? "" : info.parentTypeName() + "." + info.fieldName();
    }

    /**
     * The caller as AppSync identifies it: a Cognito user pool user's {@code sub}; an IAM caller's
     * {@code userArn} and, for Cognito identity pool credentials, its {@code cognitoIdentityId}.
     */
    public Caller caller() {
        return new Caller(identityField("sub"), identityField("userArn"), identityField("cognitoIdentityId"));
    }

    /**
     * Who is calling, by {@code rule} ({@link OwnerRule}): every plan and campaign belongs to its creator, and
     * only its creator can read, use or retry it. A call without a caller identity is refused.
     */
    public String owner(OwnerRule rule) {
        return rule.owner(caller()).orElseThrow(UnauthorizedException::new);
    }

    private String identityField(String name) {
        JsonNode value = identity == null ? null : identity.get(name);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    public String text(String argument) {
        JsonNode v = arguments == null ? null : arguments.get(argument);
        return v == null || v.isNull() ? null : v.asText();
    }

    public Integer integer(String argument) {
        JsonNode v = arguments == null ? null : arguments.get(argument);
        return v == null || v.isNull() ? null : v.asInt();
    }

    /**
     * A list-of-strings argument: null when absent or null (a required list is the service's to refuse); an item
     * that is not a string is refused, naming the argument.
     */
    public java.util.List<String> texts(String argument) {
        JsonNode v = arguments == null ? null : arguments.get(argument);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new dev.campaigns.service.InvalidInputException(argument + " must be a list of strings");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new dev.campaigns.service.InvalidInputException(argument + " must be a list of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A Boolean argument: null when absent or null; anything but true or false is refused, naming it. */
    public Boolean bool(String argument) {
        JsonNode v = arguments == null ? null : arguments.get(argument);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new dev.campaigns.service.InvalidInputException(argument + " must be true, false or null");
        }
        return v.booleanValue();
    }

    /** The request carries no caller identity. */
    public static final class UnauthorizedException extends RuntimeException {
        public UnauthorizedException() {
            super("unauthorized: the request carries no caller identity");
        }
    }
}
