package dev.lambdaidempotency.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Calendar;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns events and payloads (maps, lists, records, beans such as the aws-lambda-java-events classes) into
 * {@link JsonValue}s the way jackson-databind's default {@code ObjectMapper.valueToTree} does, without databind, so
 * that record ids and payload hashes stay what they were: public getters ({@code getX}, and {@code isX} returning a
 * boolean) and public fields, named as databind names them ({@code getURL} is {@code url},
 * {@code getIsBase64Encoded} is {@code isBase64Encoded}), nulls kept; records by their components; maps with their
 * keys as text; {@code byte[]} and {@link ByteBuffer} as base64 text; enums by name; {@link Date} and {@link Calendar} as epoch
 * milliseconds. What databind's default mapper refuses ({@code java.time}, {@code Optional}, beans without
 * properties) is refused too; a class that carries Jackson annotations, which only databind reads, is refused
 * unless databind is there to read it. Thread-safe.
 */
public final class EventTrees implements Function<Object, JsonValue> {
    /** The default conversion. */
    public static final EventTrees DEFAULT = new EventTrees();

    private static final ClassValue<Object> SHAPES = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            try {
                return shapeOf(type);
            } catch (IllegalArgumentException refused) {
                return refused.getMessage();
            }
        }
    };

    private EventTrees() {
    }

    /**
     * Whether jackson-databind is on the class path (looked up once, without loading it).
     *
     * @return true when it can be loaded
     */
    public static boolean databindAvailable() {
        return Databind.AVAILABLE;
    }

    private static final class Databind {
        static final boolean AVAILABLE = load();

        private static boolean load() {
            try {
                Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, EventTrees.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError absent) {
                return false;
            }
        }
    }

    /** A value that cannot be converted: the message says why. */
    public static final class UnconvertibleException extends IllegalArgumentException {
        /** Serialization version. */
        private static final long serialVersionUID = 1L;

        UnconvertibleException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Converts {@code value}.
     *
     * @param value an event, a payload or a part of one
     * @return its JSON value
     * @throws UnconvertibleException when it cannot be read as JSON (see the class comment)
     */
    @Override
    public JsonValue apply(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof JsonValue json) {
            return json;
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return JsonValue.of(value.toString());
        }
        if (value instanceof Boolean b) {
            return JsonValue.of(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
                || value instanceof BigDecimal || value instanceof BigInteger || value instanceof Short
                || value instanceof Byte) {
            return new JsonValue.Num((Number) value);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, JsonValue> members = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                members.put(keyText(entry.getKey()), apply(entry.getValue()));
            }
            return new JsonValue.Obj(members);
        }
        if (value instanceof Collection<?> collection) {
            List<JsonValue> items = new ArrayList<>(collection.size());
            for (Object item : collection) {
                items.add(apply(item));
            }
            return new JsonValue.Arr(items);
        }
        if (value instanceof Enum<?> constant) {
            Object shape = SHAPES.get(constant.getDeclaringClass());
            return shape instanceof String refused ? refused(refused, value) : JsonValue.of(constant.name());
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            return array(value);
        }
        if (type.getName().startsWith("com.fasterxml.jackson.databind.")) {
            return DatabindTrees.DEFAULT.apply(value); // a JsonNode; only reachable when databind is there
        }
        JsonValue jdk = jdkValue(value);
        if (jdk != null) {
            return jdk;
        }
        Object shape = SHAPES.get(type);
        if (shape instanceof String refused) {
            return refused(refused, value);
        }
        Map<String, JsonValue> members = new LinkedHashMap<>();
        for (Property property : (Property[]) shape) {
            members.put(property.name, apply(property.read(value)));
        }
        return new JsonValue.Obj(members);
    }

    private static final String ANNOTATED = "Jackson annotations: ";

    /** A class whose annotations only databind reads is read by databind when it is there. */
    private static JsonValue refused(String refused, Object value) {
        if (refused.startsWith(ANNOTATED)) {
            if (databindAvailable()) {
                return DatabindTrees.DEFAULT.apply(value);
            }
            throw new UnconvertibleException(refused.substring(ANNOTATED.length()), null);
        }
        throw new UnconvertibleException(refused, null);
    }

    private JsonValue array(Object array) {
        if (array instanceof byte[] bytes) {
            return JsonValue.of(Base64.getEncoder().encodeToString(bytes));
        }
        if (array instanceof char[] chars) {
            return JsonValue.of(new String(chars));
        }
        int length = Array.getLength(array);
        List<JsonValue> items = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            items.add(apply(Array.get(array, i)));
        }
        return new JsonValue.Arr(items);
    }

    private static String keyText(Object key) {
        if (key instanceof String text) {
            return text;
        }
        if (key instanceof Enum<?> constant) {
            return constant.name();
        }
        if (key instanceof Number || key instanceof Boolean || key instanceof Character || key instanceof UUID) {
            return key.toString();
        }
        throw new UnconvertibleException(key == null ? "a map has a null key"
                : "a map key of type " + key.getClass().getName() + " has no JSON name", null);
    }

    /** The JDK types an event may hold, spelled as databind spells them by default; {@code null} for others. */
    private static JsonValue jdkValue(Object value) {
        if (value instanceof AtomicInteger || value instanceof AtomicLong) {
            return new JsonValue.Num(((Number) value).longValue());
        }
        if (value instanceof AtomicBoolean b) {
            return JsonValue.of(b.get());
        }
        if (value instanceof ByteBuffer buffer) {
            // databind writes the bytes from position to limit, as base64 (Kinesis data, DynamoDB binary attributes)
            ByteBuffer remaining = buffer.duplicate();
            byte[] bytes = new byte[remaining.remaining()];
            remaining.get(bytes);
            return JsonValue.of(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof Date date) {
            return new JsonValue.Num(date.getTime());
        }
        if (value instanceof Calendar calendar) {
            return new JsonValue.Num(calendar.getTimeInMillis());
        }
        if (value instanceof UUID || value instanceof URI || value instanceof URL || value instanceof Currency
                || value instanceof Pattern || value instanceof Charset) {
            return JsonValue.of(value.toString());
        }
        if (value instanceof TimeZone zone) {
            return JsonValue.of(zone.getID());
        }
        if (value instanceof Class<?> type) {
            return JsonValue.of(type.getName());
        }
        if (value instanceof Iterable<?> iterable) {
            List<JsonValue> items = new ArrayList<>();
            for (Object item : iterable) {
                items.add(DEFAULT.apply(item));
            }
            return new JsonValue.Arr(items);
        }
        return null;
    }

    private static Object shapeOf(Class<?> type) {
        String name = type.getName();
        // databind's default mapper refuses java.time and Joda types too ("add module ..."): so do we
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("org.joda.time.")) {
            throw new IllegalArgumentException("a value of type " + name + " has no JSON form without a "
                    + "jackson-databind module");
        }
        if (Number.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("a number of type " + name + " has no JSON form here");
        }
        if (hasJacksonAnnotation(type)) {
            throw new IllegalArgumentException(ANNOTATED + "a value of type " + name + " carries Jackson annotations, "
                    + "which only jackson-databind reads; add jackson-databind to the function so it is read as "
                    + "before");
        }
        if (type.isEnum()) {
            return new Property[0];
        }
        Map<String, Property> properties = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                properties.put(component.getName(), new Property(component.getName(), accessible(component
                        .getAccessor())));
            }
        } else {
            for (Field field : type.getFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers)) {
                    properties.put(field.getName(), new Property(field.getName(), accessible(field)));
                }
            }
            for (Method method : type.getMethods()) {
                String property = getterProperty(method);
                if (property != null) {
                    properties.put(property, new Property(property, accessible(method)));
                }
            }
        }
        if (properties.isEmpty()) {
            throw new IllegalArgumentException("a value of type " + name + " has no properties to read as JSON "
                    + "(no public getters or fields)");
        }
        return properties.values().toArray(new Property[0]);
    }

    private static <T extends AccessibleObject> T accessible(T member) {
        if (!Modifier.isPublic(((Member) member).getDeclaringClass().getModifiers())) {
            try {
                member.setAccessible(true);
            } catch (RuntimeException denied) {
                // read fails below with a message naming the property
            }
        }
        return member;
    }

    private static String getterProperty(Method method) {
        if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0 || method.isBridge()
                || method.isSynthetic() || method.getReturnType() == void.class
                || method.getDeclaringClass() == Object.class) {
            return null;
        }
        String name = method.getName();
        if (name.startsWith("get") && name.length() > 3) {
            return mangle(name, 3);
        }
        Class<?> returns = method.getReturnType();
        if (name.startsWith("is") && name.length() > 2 && (returns == boolean.class || returns == Boolean.class)) {
            return mangle(name, 2);
        }
        return null;
    }

    /** databind's default ("legacy") naming: the leading run of upper-case letters becomes lower case. */
    static String mangle(String name, int offset) {
        StringBuilder property = new StringBuilder(name.length() - offset);
        int i = offset;
        for (; i < name.length(); i++) {
            char c = name.charAt(i);
            char lower = Character.toLowerCase(c);
            if (c == lower) {
                break;
            }
            property.append(lower);
        }
        return property.append(name, i, name.length()).toString();
    }

    static boolean hasJacksonAnnotation(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (jackson(c.getDeclaredAnnotations())) {
                return true;
            }
            for (Method method : c.getDeclaredMethods()) {
                if (jackson(method.getDeclaredAnnotations())) {
                    return true;
                }
            }
            for (Field field : c.getDeclaredFields()) {
                if (jackson(field.getDeclaredAnnotations())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean jackson(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }

    /** One readable property of a bean or record. */
    private static final class Property {
        final String name;
        final AccessibleObject accessor;

        Property(String name, AccessibleObject accessor) {
            this.name = name;
            this.accessor = accessor;
        }

        Object read(Object bean) {
            try {
                return accessor instanceof Method method ? method.invoke(bean) : ((Field) accessor).get(bean);
            } catch (InvocationTargetException e) {
                throw new UnconvertibleException("reading property \"" + name + "\" of " + bean.getClass().getName()
                        + " failed: " + e.getCause(), e.getCause());
            } catch (IllegalAccessException | RuntimeException e) {
                throw new UnconvertibleException("property \"" + name + "\" of " + bean.getClass().getName()
                        + " cannot be read: " + e, e);
            }
        }
    }
}
