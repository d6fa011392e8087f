package dev.plaidknot.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functions' one JSON library is Gson, which plaid-java already brings: a second one would
 * add its package size and its classes to every cold start. Reading is strict on purpose,
 * because bodies come from the internet: a duplicate key, trailing garbage, bytes that are not
 * UTF-8, deep nesting or an oversized value is refused, never guessed about, and the refusal says
 * what is wrong and where, never what the input holds.
 */
public final class Json {

    public static final int MAX_DEPTH = 32;
    public static final int MAX_STRING_LENGTH = 16_384;
    public static final int MAX_NUMBER_LENGTH = 64;

    /** Our own output: nulls written (the API documents them), no HTML escaping (nothing here is HTML). */
    private static final Gson OUTPUT = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    /** Gson's messages end "at line L column C path $.x"; only the numbers are kept: names are input too. */
    private static final Pattern LOCATION = Pattern.compile("at line (\\d+) column (\\d+)");

    private Json() {
    }

    /** What was wrong with a refused document. */
    public enum Fault { NOT_UTF8, SYNTAX, DUPLICATE_FIELD, TOO_DEEP, OVERSIZED_VALUE }

    /** A refused document; the message names the fault and, when known, the line and column only. */
    public static final class Malformed extends RuntimeException {
        private final Fault fault;
        private final int line;
        private final int column;

        Malformed(Fault fault, int line, int column) {
            super(fault + (line > 0 ? " at line " + line + ", column " + column : ""), null, false, false);
            this.fault = fault;
            this.line = line;
            this.column = column;
        }

        public Fault fault() {
            return fault;
        }

        /** 1-based, or 0 when the parser did not say. */
        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /** Reads one JSON document from UTF-8 bytes, strictly. */
    public static JsonElement parse(byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(Fault.NOT_UTF8, 0, 0);
        }
        return parse(text);
    }

    /** Reads one JSON document, strictly: exactly one value, then only whitespace. */
    public static JsonElement parse(String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement value = read(reader, 0);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new MalformedJsonException("trailing tokens");
            }
            return value;
        } catch (Malformed e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // MalformedJsonException and EOFException are IOExceptions; Gson throws the others for bad tokens.
            Matcher at = LOCATION.matcher(String.valueOf(e.getMessage()));
            throw at.find()
                    ? new Malformed(Fault.SYNTAX, Integer.parseInt(at.group(1)), Integer.parseInt(at.group(2)))
                    : new Malformed(Fault.SYNTAX, 0, 0);
        }
    }

    private static JsonElement read(JsonReader reader, int depth) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                if (depth >= MAX_DEPTH) {
                    throw new Malformed(Fault.TOO_DEEP, 0, 0);
                }
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = bounded(reader.nextName());
                    if (object.has(name)) {
                        throw new Malformed(Fault.DUPLICATE_FIELD, 0, 0);
                    }
                    object.add(name, read(reader, depth + 1));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                if (depth >= MAX_DEPTH) {
                    throw new Malformed(Fault.TOO_DEEP, 0, 0);
                }
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader, depth + 1));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(bounded(reader.nextString()));
            }
            case NUMBER -> {
                String digits = reader.nextString();
                if (digits.length() > MAX_NUMBER_LENGTH) {
                    throw new Malformed(Fault.OVERSIZED_VALUE, 0, 0);
                }
                return new JsonPrimitive(new BigDecimal(digits));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new MalformedJsonException("unexpected token");
        }
    }

    private static String bounded(String text) {
        if (text.length() > MAX_STRING_LENGTH) {
            throw new Malformed(Fault.OVERSIZED_VALUE, 0, 0);
        }
        return text;
    }

    /**
     * An upstream's answer as an object, read to at most {@code maxBytes} even when no length was
     * declared (a chunked body is not read forever); an empty object when it is longer, malformed
     * or not an object (a proxy's page, a cut body): the status then says enough.
     */
    public static JsonObject boundedObject(InputStream body, int maxBytes) throws IOException {
        byte[] bytes = body.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            return new JsonObject();
        }
        try {
            JsonElement value = parse(bytes);
            return value.isJsonObject() ? value.getAsJsonObject() : new JsonObject();
        } catch (Malformed e) {
            return new JsonObject();
        }
    }

    /** Writes a tree as compact JSON. */
    public static String write(JsonElement value) {
        return OUTPUT.toJson(value);
    }

    /** An object built field by field, in the order written: for the small answers of the handlers. */
    public static Fields fields() {
        return new Fields();
    }

    public static final class Fields {
        private final JsonObject object = new JsonObject();

        private Fields() {
        }

        public Fields put(String name, String value) {
            object.addProperty(name, value);
            return this;
        }

        public Fields put(String name, Number value) {
            object.addProperty(name, value);
            return this;
        }

        public Fields put(String name, Boolean value) {
            object.addProperty(name, value);
            return this;
        }

        public JsonObject build() {
            return object;
        }
    }

    /** The field's text when it is a JSON string; empty when absent, null or of another type. */
    public static Optional<String> text(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                ? Optional.of(value.getAsString())
                : Optional.empty();
    }

    /** The field as an object; an empty object when absent or of another type. */
    public static JsonObject object(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value != null && value.isJsonObject() ? value.getAsJsonObject() : new JsonObject();
    }

    /** The field as an array; an empty array when absent or of another type. */
    public static JsonArray array(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value != null && value.isJsonArray() ? value.getAsJsonArray() : new JsonArray();
    }
}
