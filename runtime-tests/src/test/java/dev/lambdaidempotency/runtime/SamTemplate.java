package dev.lambdaidempotency.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The functions of template.yaml as CloudFormation would deploy them, for local names: handler, timeout, memory and
 * the merged environment (Globals first, then the function's own), with {@code !Ref}, {@code !Sub} and
 * {@code !FindInMap} resolved against parameter defaults and the physical names the test gives its resources. Any
 * other intrinsic in a value we need fails loudly: a template change the tier cannot follow must not be guessed.
 */
final class SamTemplate {
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final MappingNode root;
    private final String stackName;

    /**
     * One function as deployed.
     *
     * @param logicalId   the resource name, e.g. PaymentApiFunction
     * @param name        the deployed function name
     * @param handler     {@code class::method}
     * @param timeoutSeconds the configured Timeout
     * @param memoryMb    the configured MemorySize
     * @param environment the environment variables
     */
    record Function(String logicalId, String name, String handler, int timeoutSeconds, int memoryMb,
            Map<String, String> environment) {
    }

    private SamTemplate(MappingNode root, String stackName) {
        this.root = root;
        this.stackName = stackName;
    }

    static SamTemplate read(Path template, Path samconfig) throws IOException {
        Node node;
        try (Reader reader = Files.newBufferedReader(template)) {
            node = new Yaml(new LoaderOptions()).compose(reader);
        }
        if (!(node instanceof MappingNode mapping)) {
            throw new IllegalStateException(template + " is not a YAML mapping");
        }
        Matcher stack = Pattern.compile("(?m)^stack_name\\s*=\\s*\"([^\"]+)\"").matcher(Files.readString(samconfig));
        if (!stack.find()) {
            throw new IllegalStateException(samconfig + " has no stack_name");
        }
        return new SamTemplate(mapping, stack.group(1));
    }

    String stackName() {
        return stackName;
    }

    /**
     * @param logicalId     the function's resource name
     * @param physicalNames the local names of the resources it refers to (table, bucket)
     */
    Function function(String logicalId, Map<String, String> physicalNames) {
        MappingNode resource = mapping(get(root, "Resources", logicalId));
        String type = scalar(get(resource, "Type"));
        if (!"AWS::Serverless::Function".equals(type)) {
            throw new IllegalStateException(logicalId + " is a " + type + ", not a function");
        }
        MappingNode properties = mapping(get(resource, "Properties"));
        Node globals = find(root, "Globals", "Function");
        Map<String, String> environment = new LinkedHashMap<>();
        Resolver resolver = new Resolver(physicalNames);
        if (globals != null) {
            putVariables(find((MappingNode) globals, "Environment", "Variables"), resolver, environment);
        }
        putVariables(find(properties, "Environment", "Variables"), resolver, environment);
        String name = resolver.resolve(get(properties, "FunctionName"));
        return new Function(logicalId, name, resolver.resolve(get(properties, "Handler")),
                Integer.parseInt(property(properties, globals, "Timeout", "3", resolver)),
                Integer.parseInt(property(properties, globals, "MemorySize", "128", resolver)),
                Map.copyOf(environment));
    }

    private static String property(MappingNode properties, Node globals, String key, String lambdaDefault,
            Resolver resolver) {
        Node own = find(properties, key);
        if (own != null) {
            return resolver.resolve(own);
        }
        Node global = globals == null ? null : find((MappingNode) globals, key);
        return global != null ? resolver.resolve(global) : lambdaDefault;
    }

    private static void putVariables(Node variables, Resolver resolver, Map<String, String> into) {
        if (variables == null) {
            return;
        }
        for (NodeTuple tuple : mapping(variables).getValue()) {
            into.put(scalar(tuple.getKeyNode()), resolver.resolve(tuple.getValueNode()));
        }
    }

    /** Resolves the intrinsics a function's properties use, CloudFormation-style. */
    private final class Resolver {
        private final Map<String, String> physicalNames;

        Resolver(Map<String, String> physicalNames) {
            this.physicalNames = physicalNames;
        }

        String resolve(Node node) {
            String tag = node.getTag().getValue();
            switch (tag) {
                case "!Ref":
                    return ref(scalar(node));
                case "!Sub":
                    return sub(scalar(node));
                case "!FindInMap": {
                    List<Node> args = ((SequenceNode) node).getValue();
                    return scalar(get(root, "Mappings", resolve(args.get(0)), resolve(args.get(1)),
                            resolve(args.get(2))));
                }
                default:
                    if (tag.startsWith("!")) {
                        throw new IllegalStateException("template.yaml uses " + tag + " where the real-runtime tier "
                                + "cannot resolve it; teach SamTemplate how CloudFormation resolves it");
                    }
                    return scalar(node);
            }
        }

        private String ref(String name) {
            switch (name) {
                case "AWS::StackName":
                    return stackName;
                case "AWS::Region":
                    return "us-east-1";
                case "AWS::AccountId":
                    return "123456789012";
                default:
                    break;
            }
            Node parameter = find(root, "Parameters", name);
            if (parameter != null) {
                return scalar(get(mapping(parameter), "Default"));
            }
            String physical = physicalNames.get(name);
            if (physical == null) {
                throw new IllegalStateException("template.yaml refers to " + name + ", which has no local name");
            }
            return physical;
        }

        private String sub(String text) {
            Matcher matcher = SUB_VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                matcher.appendReplacement(out, Matcher.quoteReplacement(ref(matcher.group(1))));
            }
            matcher.appendTail(out);
            return out.toString();
        }
    }

    private static Node get(MappingNode node, String... path) {
        Node found = find(node, path);
        if (found == null) {
            throw new IllegalStateException("template.yaml has no " + String.join(".", path));
        }
        return found;
    }

    private static Node find(MappingNode node, String... path) {
        Node current = node;
        for (String key : path) {
            if (!(current instanceof MappingNode mapping)) {
                return null;
            }
            current = null;
            for (NodeTuple tuple : mapping.getValue()) {
                if (key.equals(scalar(tuple.getKeyNode()))) {
                    current = tuple.getValueNode();
                    break;
                }
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static MappingNode mapping(Node node) {
        if (node instanceof MappingNode mapping) {
            return mapping;
        }
        throw new IllegalStateException("expected a mapping at line " + (node.getStartMark().getLine() + 1));
    }

    private static String scalar(Node node) {
        if (node instanceof ScalarNode scalar) {
            return Objects.requireNonNull(scalar.getValue());
        }
        throw new IllegalStateException("expected a plain value at line " + (node.getStartMark().getLine() + 1));
    }
}
