package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the canonical hash over random JSON trees: formatting, member order and number spelling never
 * change it; changing any single leaf or name always does.
 */
class CanonicalJsonPropertiesTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectReader EXACT = new ObjectMapper().reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Characters that exercise escaping, multi-byte UTF-8, surrogates and near-collisions. */
    private static final String TRICKY = "aZ0 ?\"\\/\n\t\u0000\u001f\u007f\u0080é€\ud83d\ude00\ud800\udc00\uffff";

    private static String hash(JsonNode node) {
        return CanonicalJson.sha256(DatabindTrees.toValue(node)).hex();
    }

    private static String hash(JsonValue value) {
        return CanonicalJson.sha256(value).hex();
    }

    @Property(tries = 300)
    void reserializingWithShuffledMembersAndRandomFormattingKeepsTheHash(@ForAll("trees") JsonNode tree,
            @ForAll Random random) throws Exception {
        String text = RandomJsonWriter.write(tree, random);
        // the library's own parser against databind's: the same value, so the same hash (record ids unchanged)
        assertEquals(hash(tree), hash(JsonText.parse(text)), () -> "re-serialized as " + text);
        assertEquals(hash(EXACT.readTree(text)), hash(JsonText.parse(text)), () -> "re-serialized as " + text);
        assertEquals(hash(tree), hash(JsonText.parse(JsonText.write(JsonText.parse(text)))),
                () -> "written back from " + text);
    }

    @Property(tries = 300)
    void changingOneLeafOrNameChangesTheHash(@ForAll("trees") JsonNode tree, @ForAll Random random) {
        JsonNode mutated = Mutations.mutateSomewhere(tree.deepCopy(), random);
        assertNotEquals(hash(tree), hash(mutated), () -> tree + " vs " + mutated);
    }

    @Property(tries = 500)
    void changingOneCharacterOfAStringChangesTheHash(@ForAll("trickyStrings") String s,
            @ForAll("trickyChars") char replacement, @ForAll("positions") int position) {
        String changed = s.isEmpty() ? String.valueOf(replacement)
                : s.substring(0, position % s.length()) + replacement + s.substring(position % s.length() + 1);
        Assume.that(!changed.equals(s));
        assertNotEquals(hash(NODES.textNode(s)), hash(NODES.textNode(changed)),
                () -> "collision between " + escape(s) + " and " + escape(changed));
    }

    @Property(tries = 300)
    void distinctStringsHashDifferently(@ForAll("trickyStrings") String a, @ForAll("trickyStrings") String b) {
        Assume.that(!a.equals(b));
        assertNotEquals(hash(NODES.textNode(a)), hash(NODES.textNode(b)),
                () -> "collision between " + escape(a) + " and " + escape(b));
    }

    @Property(tries = 300)
    void aNumberHashesByValueWhateverItsSpelling(@ForAll("decimals") BigDecimal value,
            @ForAll("extraScale") int extraZeros) throws JsonText.MalformedJsonException {
        String expected = hash(NODES.numberNode(value));
        BigDecimal padded = value.setScale(value.scale() + extraZeros);
        for (String spelling : List.of(value.toString(), value.toPlainString(), value.toEngineeringString(),
                padded.toPlainString(), padded.toString(),
                value.unscaledValue() + "e" + (-value.scale()), value.unscaledValue() + "E-0" + value.scale())) {
            if (spelling.endsWith("E-0" + value.scale()) && value.scale() < 0) {
                continue;
            }
            assertEquals(expected, hash(JsonText.parse(spelling)), () -> "spelled " + spelling);
            assertEquals(expected, hash(NODES.numberNode(new BigDecimal(spelling))), () -> "decimal " + spelling);
        }
    }

    @Property(tries = 300)
    void aDoubleHashesLikeItsShortestDecimal(@ForAll double value) throws JsonText.MalformedJsonException {
        Assume.that(Double.isFinite(value));
        String text = Double.toString(value);
        assertEquals(hash(NODES.numberNode(value)), hash(JsonText.parse(text)));
    }

    @Property(tries = 200)
    void aNumberNeverHashesLikeAString(@ForAll("decimals") BigDecimal value) {
        assertNotEquals(hash(NODES.numberNode(value)), hash(NODES.textNode(value.toPlainString())));
        assertNotEquals(hash(NODES.numberNode(value)), hash(NODES.textNode(value.toString())));
    }

    @Provide
    Arbitrary<String> trickyStrings() {
        return Arbitraries.strings().withChars(TRICKY).ofMaxLength(3);
    }

    @Provide
    Arbitrary<Character> trickyChars() {
        return Arbitraries.of(TRICKY.chars().mapToObj(c -> (char) c).toList());
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 3);
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(
                Arbitraries.longs().map(BigInteger::valueOf),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)));
        return unscaled.flatMap(u -> Arbitraries.integers().between(-25, 25).map(s -> new BigDecimal(u, s)));
    }

    @Provide
    Arbitrary<Integer> extraScale() {
        return Arbitraries.integers().between(0, 6);
    }

    @Provide
    Arbitrary<JsonNode> trees() {
        return Arbitraries.recursive(this::scalars, this::containers, 0, 4);
    }

    private Arbitrary<JsonNode> scalars() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().withChars(TRICKY).ofMaxLength(6).map(NODES::textNode)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6).map(NODES::textNode)),
                Tuple.of(2, Arbitraries.longs().map(NODES::numberNode)),
                Tuple.of(2, decimals().map(NODES::numberNode)),
                Tuple.of(1, Arbitraries.doubles().filter(Double::isFinite).map(NODES::numberNode)),
                Tuple.of(1, Arbitraries.of(true, false).map(NODES::booleanNode)),
                Tuple.of(1, Arbitraries.just(NODES.nullNode())));
    }

    private Arbitrary<JsonNode> containers(Arbitrary<JsonNode> element) {
        Arbitrary<JsonNode> arrays = element.list().ofMaxSize(4).map(items -> {
            ArrayNode array = NODES.arrayNode();
            items.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Arbitraries.maps(
                Arbitraries.strings().withChars(TRICKY).ofMaxLength(4), element).ofMaxSize(4).map(members -> {
                    ObjectNode object = NODES.objectNode();
                    members.forEach(object::set);
                    return object;
                });
        return Arbitraries.oneOf(arrays, objects);
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
        return out.toString();
    }

    /** Writes JSON text with random member order, whitespace, string escapes and number spellings. */
    static final class RandomJsonWriter {
        private static final String[] SPACE = {"", "", " ", "\n", "\t", "\r\n", "  "};

        static String write(JsonNode node, Random random) {
            StringBuilder out = new StringBuilder();
            value(node, out, random);
            return out.toString();
        }

        private static void value(JsonNode node, StringBuilder out, Random random) {
            space(out, random);
            switch (node.getNodeType()) {
                case OBJECT -> {
                    List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
                    node.properties().forEach(members::add);
                    Collections.shuffle(members, random);
                    out.append('{');
                    for (int i = 0; i < members.size(); i++) {
                        if (i > 0) {
                            out.append(',');
                        }
                        space(out, random);
                        string(members.get(i).getKey(), out, random);
                        space(out, random);
                        out.append(':');
                        value(members.get(i).getValue(), out, random);
                    }
                    space(out, random);
                    out.append('}');
                }
                case ARRAY -> {
                    out.append('[');
                    for (int i = 0; i < node.size(); i++) {
                        if (i > 0) {
                            out.append(',');
                        }
                        value(node.get(i), out, random);
                    }
                    space(out, random);
                    out.append(']');
                }
                case STRING -> string(node.textValue(), out, random);
                case NUMBER -> out.append(number(node, random));
                case BOOLEAN, NULL -> out.append(node.toString());
                default -> throw new IllegalArgumentException("not generated: " + node.getNodeType());
            }
            space(out, random);
        }

        private static String number(JsonNode node, Random random) {
            BigDecimal value = node.isDouble() ? BigDecimal.valueOf(node.doubleValue()) : node.decimalValue();
            return switch (random.nextInt(5)) {
                case 0 -> value.toString();
                case 1 -> value.toEngineeringString();
                case 2 -> value.setScale(Math.max(value.scale(), 0) + random.nextInt(4)).toPlainString();
                case 3 -> value.unscaledValue() + (random.nextBoolean() ? "e" : "E") + (-value.scale());
                default -> value.toPlainString();
            };
        }

        private static void string(String s, StringBuilder out, Random random) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20 || random.nextInt(4) == 0) {
                    out.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                } else if (c == '/' && random.nextBoolean()) {
                    out.append("\\/");
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }

        private static void space(StringBuilder out, Random random) {
            out.append(SPACE[random.nextInt(SPACE.length)]);
        }
    }

    /** Single changes that must change the canonical form. */
    static final class Mutations {
        static JsonNode mutateSomewhere(JsonNode node, Random random) {
            if (node.isObject()) {
                ObjectNode object = (ObjectNode) node;
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                if (names.isEmpty() || random.nextInt(6) == 0) {
                    return addOrRename(object, names, random);
                }
                String name = names.get(random.nextInt(names.size()));
                object.set(name, mutateSomewhere(object.get(name), random));
                return object;
            }
            if (node.isArray()) {
                ArrayNode array = (ArrayNode) node;
                if (array.isEmpty() || random.nextInt(6) == 0) {
                    array.add(NODES.nullNode());
                    return array;
                }
                int index = random.nextInt(array.size());
                array.set(index, mutateSomewhere(array.get(index), random));
                return array;
            }
            return mutateLeaf(node, random);
        }

        private static JsonNode addOrRename(ObjectNode object, List<String> names, Random random) {
            if (names.isEmpty() || random.nextBoolean()) {
                String fresh = "new";
                while (object.has(fresh)) {
                    fresh += "!";
                }
                object.set(fresh, NODES.nullNode());
                return object;
            }
            String old = names.get(random.nextInt(names.size()));
            String renamed = old + "~";
            while (object.has(renamed)) {
                renamed += "~";
            }
            object.set(renamed, object.remove(old));
            return object;
        }

        private static JsonNode mutateLeaf(JsonNode leaf, Random random) {
            return switch (leaf.getNodeType()) {
                case STRING -> random.nextBoolean() ? NODES.textNode(leaf.textValue() + "x")
                        : NODES.textNode("\u0000" + leaf.textValue());
                case NUMBER -> random.nextBoolean() ? NODES.numberNode(leaf.decimalValue().add(BigDecimal.ONE))
                        : NODES.textNode(leaf.isDouble() ? BigDecimal.valueOf(leaf.doubleValue()).toPlainString()
                                : leaf.decimalValue().toPlainString());
                case BOOLEAN -> NODES.booleanNode(!leaf.booleanValue());
                case NULL -> random.nextBoolean() ? NODES.numberNode(0) : NODES.textNode("null");
                default -> throw new IllegalArgumentException("not a leaf: " + leaf.getNodeType());
            };
        }
    }
}
