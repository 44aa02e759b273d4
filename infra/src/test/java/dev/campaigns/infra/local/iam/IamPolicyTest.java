package dev.campaigns.infra.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IAM's evaluation: wildcards, case, explicit deny, NotAction/NotResource, implicit deny. */
class IamPolicyTest {
    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/CampaignsTable";

    @Test
    void wildcardsMatchAsIamDoes() {
        assertTrue(IamPolicy.Wildcards.matches("arn:aws:lambda:*:function:Commit*", "arn:aws:lambda:us-east-1:1:function:CommitChangeset:live"));
        assertTrue(IamPolicy.Wildcards.matches("table/T/index/*", "table/T/index/Owner"));
        assertFalse(IamPolicy.Wildcards.matches("table/T/index/*", "table/T"));
        assertTrue(IamPolicy.Wildcards.matches("sqs:SendMessage*", "sqs:SendMessage"));
        assertTrue(IamPolicy.Wildcards.matches("a?c", "abc"));
        assertFalse(IamPolicy.Wildcards.matches("a?c", "ac"));
        assertTrue(IamPolicy.Wildcards.matches("*", ""));
        assertFalse(IamPolicy.Wildcards.matches("", "x"));
        assertTrue(IamPolicy.Wildcards.matches("*:*:live", "fn:x:live"));
    }

    @Test
    void actionsAreCaseInsensitiveResourcesAreNot() {
        IamPolicy p = new IamPolicy(List.of(IamPolicy.Statement.allow("s", List.of("DynamoDB:getitem"), List.of(TABLE))));
        assertTrue(p.evaluate("dynamodb:GetItem", TABLE).allowed());
        assertFalse(p.evaluate("dynamodb:GetItem", TABLE.toLowerCase()).allowed());
        assertFalse(p.evaluate("dynamodb:PutItem", TABLE).allowed());
    }

    @Test
    void anExplicitDenyWinsOverAnyAllow() {
        IamPolicy p = new IamPolicy(List.of(
                IamPolicy.Statement.allow("all", List.of("dynamodb:*"), List.of("*")),
                new IamPolicy.Statement("deny", false, List.of("dynamodb:DeleteItem"), false, List.of(TABLE), false,
                        false)));
        assertEquals(IamPolicy.Outcome.ALLOWED, p.evaluate("dynamodb:PutItem", TABLE).outcome());
        IamPolicy.Decision d = p.evaluate("dynamodb:DeleteItem", TABLE);
        assertEquals(IamPolicy.Outcome.EXPLICIT_DENY, d.outcome());
        assertEquals("deny", d.statement().source());
    }

    @Test
    void nothingMatchingIsAnImplicitDeny() {
        IamPolicy.Decision d = new IamPolicy(List.of()).evaluate("sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q");
        assertEquals(IamPolicy.Outcome.IMPLICIT_DENY, d.outcome());
        assertNull(d.statement());
    }

    @Test
    void notActionAndNotResourceInvertTheirMatch() {
        IamPolicy p = new IamPolicy(List.of(new IamPolicy.Statement("s", true, List.of("dynamodb:Delete*"), true,
                List.of(TABLE + "/index/*"), true, false)));
        assertTrue(p.evaluate("dynamodb:PutItem", TABLE).allowed());
        assertFalse(p.evaluate("dynamodb:DeleteItem", TABLE).allowed());
        assertFalse(p.evaluate("dynamodb:Query", TABLE + "/index/Owner").allowed());
    }

    @Test
    void theDenialReadsAsAwsWritesIt() {
        Principal p = new Principal("F", "arn:aws:iam::1:role/R", "arn:aws:sts::1:assumed-role/R/F",
                new Principal.Credentials("ASIA", "s", "t"), new IamPolicy(List.of()));
        assertEquals("User: arn:aws:sts::1:assumed-role/R/F is not authorized to perform: dynamodb:PutItem on "
                + "resource: " + TABLE + " because no identity-based policy allows the dynamodb:PutItem action",
                p.denial("dynamodb:PutItem", TABLE, IamPolicy.Outcome.IMPLICIT_DENY));
        assertTrue(p.denial("dynamodb:PutItem", TABLE, IamPolicy.Outcome.EXPLICIT_DENY)
                .endsWith("with an explicit deny in an identity-based policy"));
    }
}
