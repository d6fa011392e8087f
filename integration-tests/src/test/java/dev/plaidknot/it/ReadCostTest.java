package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.support.Api;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.WithRig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What reading a cardholder's links costs in DynamoDB requests: a page of items with their
 * accounts, and the Knot session's choice of account, cost the same for one item as for twenty.
 */
class ReadCostTest extends WithRig {

    private static final String MANY = "cost-many";
    private static final String ONE = "cost-one";
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static Api counted;
    private static List<String> manyItems;

    @BeforeAll
    static void link() {
        manyItems = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            manyItems.add(api.link(MANY));
        }
        api.link(ONE);
        DynamoDbClient counting = rig.aws.client(DynamoDbClient.builder(), true, AwsFaults.countingCalls(REQUESTS));
        counted = new Api(rig.wiring(Map.of(), () -> rig.secrets, () -> counting, () -> rig.kms), rig.plaid);
    }

    private static int requests(Runnable read) {
        REQUESTS.set(0);
        read.run();
        return REQUESTS.get();
    }

    @Test
    void a_page_of_twenty_items_with_their_accounts_costs_what_a_page_of_one_does() {
        List<APIGatewayV2HTTPResponse> pages = new ArrayList<>();
        int twenty = requests(() -> pages.add(counted.list(MANY, Map.of("limit", "20"))));
        int one = requests(() -> pages.add(counted.list(ONE, Map.of("limit", "20"))));

        assertThat(json(pages.get(0)).path("items")).hasSize(20)
                .allSatisfy(item -> assertThat(item.path("accounts")).hasSize(3));
        assertThat(json(pages.get(1)).path("items")).hasSize(1);
        assertThat(twenty).isEqualTo(one).isLessThanOrEqualTo(2);
    }

    @Test
    void choosing_the_knot_sessions_account_does_not_grow_with_the_items_linked() {
        // Only the oldest of the twenty is healthy: the choice must look past nineteen others.
        for (String itemId : manyItems.subList(1, manyItems.size())) {
            rig.dynamo.updateItem(u -> u.tableName(rig.table)
                    .key(Map.of("pk", AttributeValue.fromS("USER#" + MANY), "sk", AttributeValue.fromS("ITEM#" + itemId)))
                    .updateExpression("SET #s = :s")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("needs_user"))));
        }
        List<APIGatewayV2HTTPResponse> sessions = new ArrayList<>();

        int twenty = requests(() -> sessions.add(counted.knotSession(MANY, "{\"card_id\":\"card-1\"}")));
        int one = requests(() -> sessions.add(counted.knotSession(ONE, "{\"card_id\":\"card-1\"}")));

        assertThat(sessions).allSatisfy(s -> {
            assertThat(s.getStatusCode()).isEqualTo(201);
            assertThat(json(s).path("transactions_linked").asBoolean()).isTrue();
        });
        assertThat(twenty).isEqualTo(one);
    }
}
