package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.campaigns.domain.OwnerRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who a caller is, from the identity AppSync puts in a direct Lambda resolver's event, one row per kind of caller
 * (the identity objects have the fields and value forms AppSync sends for each authorisation mode).
 */
class CallerOwnerTest {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static String iam(String userArn, String username) {
        return """
                {"accountId": "123456789012", "cognitoIdentityAuthProvider": null, "cognitoIdentityAuthType": null,
                 "cognitoIdentityId": null, "cognitoIdentityPoolId": null, "sourceIp": ["203.0.113.7"],
                 "userArn": "%s", "username": "%s"}""".formatted(userArn, username);
    }

    private static final String COGNITO_USER_POOL = """
            {"claims": {"sub": "7d8ca528-4931-4254-9273-ea5ee853f271", "cognito:username": "alice",
                        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI", "token_use": "access",
                        "client_id": "3n4b5urk1ft4fl3mg5e62d9ado", "auth_time": 1764806400},
             "defaultAuthStrategy": "ALLOW", "groups": null,
             "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
             "sourceIp": ["203.0.113.7"], "sub": "7d8ca528-4931-4254-9273-ea5ee853f271", "username": "alice"}""";

    private static final String COGNITO_IDENTITY_POOL = """
            {"accountId": "123456789012",
             "cognitoIdentityAuthProvider": "\\"cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI\\",\\"cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI:CognitoSignIn:7d8ca528-4931-4254-9273-ea5ee853f271\\"",
             "cognitoIdentityAuthType": "authenticated",
             "cognitoIdentityId": "us-east-1:5e2f3a7c-1b2d-4c3e-9f8a-0b1c2d3e4f5a",
             "cognitoIdentityPoolId": "us-east-1:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "sourceIp": ["203.0.113.7"],
             "userArn": "arn:aws:sts::123456789012:assumed-role/Cognito_CampaignsAuth_Role/CognitoIdentityCredentials",
             "username": "AROAEXAMPLEROLEID1234:CognitoIdentityCredentials"}""";

    /** Identity JSON → owner under the default rule. */
    private static final List<Map.Entry<String, String>> TABLE = List.of(
            Map.entry(iam("arn:aws:iam::123456789012:user/alice", "AIDAEXAMPLEUSERID123"),
                    "arn:aws:iam::123456789012:user/alice"),
            Map.entry(iam("arn:aws:iam::123456789012:user/engineering/bob", "AIDAEXAMPLEUSERID456"),
                    "arn:aws:iam::123456789012:user/engineering/bob"),
            Map.entry(iam("arn:aws:sts::123456789012:assumed-role/CampaignsOperator/botocore-session-1764806400",
                    "AROAEXAMPLEROLEID1234:botocore-session-1764806400"),
                    "arn:aws:sts::123456789012:assumed-role/CampaignsOperator"),
            Map.entry(iam("arn:aws:sts::123456789012:assumed-role/CampaignsOperator/ci-job-42",
                    "AROAEXAMPLEROLEID1234:ci-job-42"),
                    "arn:aws:sts::123456789012:assumed-role/CampaignsOperator"),
            Map.entry(iam("arn:aws-us-gov:sts::123456789012:assumed-role/CampaignsOperator/i-0abc",
                    "AROAEXAMPLEROLEID1234:i-0abc"),
                    "arn:aws-us-gov:sts::123456789012:assumed-role/CampaignsOperator"),
            Map.entry(iam("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Engineers_0f1e2d3c4b5a6978/alice@example.com",
                    "AROAEXAMPLEROLEID5678:alice@example.com"),
                    "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Engineers_0f1e2d3c4b5a6978/alice@example.com"),
            Map.entry(iam("arn:aws:sts::123456789012:federated-user/bob", "123456789012:bob"),
                    "arn:aws:sts::123456789012:federated-user/bob"),
            Map.entry(iam("arn:aws:iam::123456789012:root", "123456789012"), "arn:aws:iam::123456789012:root"),
            Map.entry(COGNITO_USER_POOL, "7d8ca528-4931-4254-9273-ea5ee853f271"),
            Map.entry(COGNITO_IDENTITY_POOL, "us-east-1:5e2f3a7c-1b2d-4c3e-9f8a-0b1c2d3e4f5a"));

    private static AppSyncEvent event(String identityJson) throws Exception {
        return JSON.readValue("""
                {"arguments": {}, "identity": %s, "source": null,
                 "info": {"parentTypeName": "Query", "fieldName": "campaigns"}}""".formatted(identityJson),
                AppSyncEvent.class);
    }

    @Test
    void eachKindOfCallerIsItsOwner() throws Exception {
        for (Map.Entry<String, String> row : TABLE) {
            assertEquals(row.getValue(), event(row.getKey()).owner(OwnerRule.DEFAULT), row.getKey());
        }
    }

    @Test
    void twoSessionsOfARoleAreOneOwner_butTwoUsersOfAnIdentityCenterPermissionSetAreTwo() throws Exception {
        String cli = iam("arn:aws:sts::123456789012:assumed-role/CampaignsOperator/alice", "AROAX:alice");
        String lambda = iam("arn:aws:sts::123456789012:assumed-role/CampaignsOperator/campaign-sync", "AROAX:campaign-sync");
        assertEquals(event(cli).owner(OwnerRule.DEFAULT), event(lambda).owner(OwnerRule.DEFAULT));
        String alice = iam("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Eng_0f1e/alice@example.com", "AROAY:alice@example.com");
        String bob = iam("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Eng_0f1e/bob@example.com", "AROAY:bob@example.com");
        assertNotEquals(event(alice).owner(OwnerRule.DEFAULT), event(bob).owner(OwnerRule.DEFAULT));
        // Cognito identity pool users share the pool's role: each identity is still its own owner
        String other = COGNITO_IDENTITY_POOL.replace("5e2f3a7c", "99999999");
        assertNotEquals(event(COGNITO_IDENTITY_POOL).owner(OwnerRule.DEFAULT), event(other).owner(OwnerRule.DEFAULT));
    }

    @Test
    void sessionOwnedRolesAreConfigured() throws Exception {
        String okta = iam("arn:aws:sts::123456789012:assumed-role/OktaEngineers/carol@example.com", "AROAZ:carol@example.com");
        String sso = iam("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Eng_0f1e/alice@example.com", "AROAY:alice@example.com");
        OwnerRule oktaOnly = new Services(Map.of("SESSION_OWNED_ROLES", " OktaEngineers ")).ownerRule();
        assertEquals("arn:aws:sts::123456789012:assumed-role/OktaEngineers/carol@example.com", event(okta).owner(oktaOnly));
        assertEquals("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Eng_0f1e", event(sso).owner(oktaOnly));
        OwnerRule none = new Services(Map.of("SESSION_OWNED_ROLES", "")).ownerRule();
        assertEquals("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Eng_0f1e", event(sso).owner(none));
        OwnerRule every = OwnerRule.parse("*");
        assertEquals("arn:aws:sts::123456789012:assumed-role/OktaEngineers/carol@example.com", event(okta).owner(every));
        assertEquals(OwnerRule.DEFAULT, new Services(Map.of()).ownerRule());
    }

    @Test
    void aCallWithoutCallerIdentityIsRefused() throws Exception {
        for (String identity : List.of("null", "{}", "{\"resolverContext\": {\"team\": \"a\"}}",
                iam("", "AIDAEXAMPLEUSERID123"), "{\"sub\": \"   \"}")) {
            AppSyncEvent e = event(identity);
            assertThrows(AppSyncEvent.UnauthorizedException.class, () -> e.owner(OwnerRule.DEFAULT), identity);
        }
    }

    @Test
    void aBadSessionOwnedRolesValueIsAClearError() {
        for (String bad : new String[] {"Okta Engineers", "a,,b", "arn:aws:iam::123456789012:role/x", "Eng*ineers"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new Services(Map.of("SESSION_OWNED_ROLES", bad)).ownerRule());
            assertTrue(e.getMessage().startsWith("configuration SESSION_OWNED_ROLES:"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OwnerRule.parse("ok,not ok"));
        assertTrue(e.getMessage().contains("\"not ok\""), e.getMessage());
    }
}
