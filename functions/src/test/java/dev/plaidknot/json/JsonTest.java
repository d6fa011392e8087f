package dev.plaidknot.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the strict reader refuses, beyond what Gson's own strict mode would. */
class JsonTest {

    private static void assertRefused(String text, Json.Fault fault) {
        assertThatThrownBy(() -> Json.parse(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(Json.Malformed.class, e -> {
                    assertThat(e.fault()).isEqualTo(fault);
                    assertThat(e.getMessage()).doesNotContain("secret-value");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'secret-value':1}",                       // single quotes
            "{\"a\":\"secret-value\",}",                // trailing comma
            "{\"a\":01}",                                // leading zero
            "{\"a\":NaN}",                               // not a JSON number
            "{\"a\":\"secret-value\u0001\"}",           // raw control character in a string
            "{\"a\":\"\\'secret-value\"}",              // an escape JSON does not have
            "// secret-value\n{}",                       // comment
            "{\"a\":\"secret-value\"} x",               // trailing garbage
            "{\"a\":1} {\"a\":2}",                       // two documents
            "{secret-value:1}",                          // unquoted name
            "",                                          // nothing
            "{\"a\":"                                    // cut short
    })
    void malformed_documents_are_refused_without_quoting_them(String text) {
        assertRefused(text, Json.Fault.SYNTAX);
    }

    @Test
    void a_duplicate_name_is_refused_even_with_the_same_value() {
        assertRefused("{\"a\":{\"secret-value\":1,\"secret-value\":1}}", Json.Fault.DUPLICATE_FIELD);
    }

    @Test
    void nesting_is_bounded() {
        String allowed = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(allowed).isJsonArray()).isTrue();
        assertRefused("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1), Json.Fault.TOO_DEEP);
        assertRefused("{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1), Json.Fault.TOO_DEEP);
    }

    @Test
    void strings_names_and_numbers_are_bounded() {
        assertRefused("{\"a\":\"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"}", Json.Fault.OVERSIZED_VALUE);
        assertRefused("{\"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\":1}", Json.Fault.OVERSIZED_VALUE);
        assertRefused("{\"a\":" + "9".repeat(Json.MAX_NUMBER_LENGTH + 1) + "}", Json.Fault.OVERSIZED_VALUE);
        assertThat(Json.parse("{\"a\":\"" + "x".repeat(Json.MAX_STRING_LENGTH) + "\"}").isJsonObject()).isTrue();
    }

    @Test
    void bytes_that_are_not_utf8_are_refused() {
        byte[] latin1 = "{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Json.parse(latin1))
                .isInstanceOfSatisfying(Json.Malformed.class, e -> assertThat(e.fault()).isEqualTo(Json.Fault.NOT_UTF8));
    }

    @Test
    void a_syntax_error_is_located_by_line_and_column_only() {
        assertThatThrownBy(() -> Json.parse("{\n  \"secret-value\": x}"))
                .isInstanceOfSatisfying(Json.Malformed.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isPositive();
                    assertThat(e.getMessage()).doesNotContain("secret-value").doesNotContain("$");
                });
    }

    @Test
    void values_read_back_as_written() {
        JsonObject object = Json.parse("{\"s\":\"caf\u00e9 \\u00e9\",\"n\":2.50e3,\"t\":true,\"z\":null,\"a\":[1,\"x\"]}")
                .getAsJsonObject();
        assertThat(object.get("s").getAsString()).isEqualTo("caf\u00e9 \u00e9");
        assertThat(object.get("n").getAsBigDecimal()).isEqualByComparingTo("2500");
        assertThat(object.get("t").getAsBoolean()).isTrue();
        assertThat(object.get("z").isJsonNull()).isTrue();
        assertThat(object.getAsJsonArray("a")).hasSize(2);
        assertThat(Json.write(object)).isEqualTo("{\"s\":\"caf\u00e9 \u00e9\",\"n\":2.50E+3,\"t\":true,\"z\":null,\"a\":[1,\"x\"]}");
    }

    @Test
    void an_upstream_answer_is_read_within_its_bound_and_anything_else_is_an_empty_object() throws Exception {
        String error = "{\"error_code\":\"RATE_LIMIT\"}";
        assertThat(Json.boundedObject(stream(error), error.length()).get("error_code").getAsString()).isEqualTo("RATE_LIMIT");
        assertThat(Json.boundedObject(stream(error), error.length() - 1).size()).as("one byte over the bound").isZero();
        assertThat(Json.boundedObject(stream("<html>Bad Gateway</html>"), 1024).size()).isZero();
        assertThat(Json.boundedObject(stream("[1,2]"), 1024).size()).isZero();
    }

    private static java.io.InputStream stream(String text) {
        return new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void output_keeps_nulls_and_does_not_html_escape() {
        assertThat(Json.write(Json.fields().put("next_cursor", (String) null).put("name", "A&B <Bank>").build()))
                .isEqualTo("{\"next_cursor\":null,\"name\":\"A&B <Bank>\"}");
    }
}
