package dev.lambdaidempotency.internal;

import dev.lambdaidempotency.spi.ResultCodec;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The codec used when jackson-databind is not on the class path: results written as {@link EventTrees} reads them
 * (records by component, beans by getter and public field, nulls kept) and read back into records (canonical
 * constructor), beans (no-argument constructor, then setters or public fields; unknown members ignored), maps with
 * text keys, collections, arrays, enums by name, strings, numbers and booleans, with databind's default coercions
 * between strings and scalars. What a plain JSON value cannot describe ({@code java.time}, {@code Optional},
 * interfaces other than {@link Map}, {@link List}, {@link Set} and {@link Collection}, classes with Jackson
 * annotations) is refused when the handler is wrapped. Thread-safe.
 */
public final class PlainResultCodec implements ResultCodec {
    /** The one instance. */
    public static final PlainResultCodec INSTANCE = new PlainResultCodec();

    private PlainResultCodec() {
    }

    @Override
    public <T> Binding<T> bind(Class<T> type) {
        String refused = refusal(type, new HashSet<>());
        if (refused != null) {
            throw new IllegalArgumentException("results of type " + type.getName() + " cannot be recorded without "
                    + "jackson-databind: " + refused + "; add jackson-databind to the function, or pass a "
                    + "ResultCodec (Idempotency.builder().resultCodec(...))");
        }
        return new Binding<>() {
            @Override
            public byte[] encode(T value) throws IOException {
                try {
                    return JsonText.write(EventTrees.DEFAULT.apply(value));
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            @SuppressWarnings("unchecked") // read gives a T, boxed for a primitive type
            public T decode(byte[] json) throws IOException {
                try {
                    return (T) read(JsonText.parse(json), type);
                } catch (JsonText.MalformedJsonException | RuntimeException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    /**
     * Why {@code type}, or a type it holds (record components, bean properties, type arguments, array elements),
     * cannot be written and read back, or {@code null} when it can.
     */
    private static String refusal(Type type, Set<Class<?>> seen) {
        if (type instanceof ParameterizedType parameterized) {
            for (Type argument : parameterized.getActualTypeArguments()) {
                String refused = refusal(argument, seen);
                if (refused != null) {
                    return refused;
                }
            }
        }
        if (type instanceof GenericArrayType array) {
            return refusal(array.getGenericComponentType(), seen);
        }
        Class<?> raw = raw(type);
        if (raw.isArray()) {
            return refusal(raw.getComponentType(), seen);
        }
        if (!seen.add(raw) || raw.isPrimitive() || raw.isEnum() || SCALARS.contains(raw) || raw == Object.class
                || raw == Map.class || raw == List.class || raw == Set.class || raw == Collection.class) {
            return null;
        }
        String name = raw.getName();
        if (name.startsWith("java.") || name.startsWith("javax.")) {
            return Map.class.isAssignableFrom(raw) || Collection.class.isAssignableFrom(raw) ? null
                    : name + " has no JSON form without a jackson-databind module";
        }
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
            return name + " is an interface or abstract class";
        }
        if (EventTrees.hasJacksonAnnotation(raw)) {
            return name + " carries Jackson annotations, which only jackson-databind reads";
        }
        if (raw.isRecord()) {
            for (RecordComponent component : raw.getRecordComponents()) {
                String refused = refusal(component.getGenericType(), seen);
                if (refused != null) {
                    return refused;
                }
            }
            return null;
        }
        try {
            raw.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            return name + " is neither a record nor a class with a no-argument constructor";
        }
        for (Method method : raw.getMethods()) {
            if (method.getName().startsWith("set") && method.getParameterCount() == 1
                    && !Modifier.isStatic(method.getModifiers())) {
                String refused = refusal(method.getGenericParameterTypes()[0], seen);
                if (refused != null) {
                    return refused;
                }
            }
        }
        return null;
    }

    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Integer.class, Long.class,
            Short.class, Byte.class, Double.class, Float.class, Character.class, BigDecimal.class, BigInteger.class,
            UUID.class, URI.class);

    private static Object read(JsonValue value, Type type) throws IOException {
        Class<?> raw = raw(type);
        if (value == null || value.isNullOrMissing()) {
            return raw.isPrimitive() ? primitiveDefault(raw) : null;
        }
        if (raw == Object.class) {
            return natural(value);
        }
        if (raw == String.class) {
            return scalarText(value, raw);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
                return value == JsonValue.TRUE;
            }
            String text = scalarText(value, raw);
            if (text.equals("true") || text.equals("false")) {
                return Boolean.valueOf(text);
            }
            throw mismatch(value, raw);
        }
        if (raw == char.class || raw == Character.class) {
            String text = scalarText(value, raw);
            if (text.length() != 1) {
                throw mismatch(value, raw);
            }
            return text.charAt(0);
        }
        if (raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
            return number(value, raw);
        }
        if (raw.isEnum()) {
            String text = scalarText(value, raw);
            for (Object constant : raw.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            throw new IOException("\"" + text + "\" is not a constant of " + raw.getName());
        }
        if (raw == UUID.class) {
            return UUID.fromString(scalarText(value, raw));
        }
        if (raw == URI.class) {
            return URI.create(scalarText(value, raw));
        }
        if (raw == byte[].class) {
            return Base64.getMimeDecoder().decode(scalarText(value, raw));
        }
        if (raw.isArray()) {
            List<JsonValue> items = items(value, raw);
            Object array = Array.newInstance(raw.getComponentType(), items.size());
            Type element = type instanceof GenericArrayType generic ? generic.getGenericComponentType()
                    : raw.getComponentType();
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, read(items.get(i), element));
            }
            return array;
        }
        if (Collection.class.isAssignableFrom(raw)) {
            Collection<Object> collection = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>()
                    : new ArrayList<>();
            for (JsonValue item : items(value, raw)) {
                collection.add(read(item, typeArgument(type, 0)));
            }
            return collection;
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(value instanceof JsonValue.Obj object)) {
                throw mismatch(value, raw);
            }
            Type keyType = typeArgument(type, 0);
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
                map.put(read(JsonValue.of(member.getKey()), keyType), read(member.getValue(), typeArgument(type, 1)));
            }
            return map;
        }
        if (!(value instanceof JsonValue.Obj object)) {
            throw mismatch(value, raw);
        }
        return raw.isRecord() ? record(object, raw) : bean(object, raw);
    }

    private static Object record(JsonValue.Obj object, Class<?> type) throws IOException {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            arguments[i] = read(object.members().get(components[i].getName()), components[i].getGenericType());
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new IOException("the constructor of " + type.getName() + " refused the recorded values: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot create a " + type.getName() + ": " + e, e);
        }
    }

    private static Object bean(JsonValue.Obj object, Class<?> type) throws IOException {
        Object bean;
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            bean = constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot create a " + type.getName() + ": " + e, e);
        }
        Map<String, Method> setters = new LinkedHashMap<>();
        for (Method method : type.getMethods()) {
            String name = method.getName();
            if (name.startsWith("set") && name.length() > 3 && method.getParameterCount() == 1
                    && !Modifier.isStatic(method.getModifiers()) && !method.isBridge()) {
                setters.putIfAbsent(EventTrees.mangle(name, 3), method);
            }
        }
        for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
            try {
                Method setter = setters.get(member.getKey());
                if (setter != null) {
                    setter.setAccessible(true);
                    setter.invoke(bean, read(member.getValue(), setter.getGenericParameterTypes()[0]));
                    continue;
                }
                Field field = publicField(type, member.getKey());
                if (field != null) {
                    field.set(bean, read(member.getValue(), field.getGenericType()));
                }
            } catch (InvocationTargetException e) {
                throw new IOException("setting \"" + member.getKey() + "\" of " + type.getName() + " failed: "
                        + e.getCause(), e.getCause());
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IOException("cannot set \"" + member.getKey() + "\" of " + type.getName() + ": " + e, e);
            }
        }
        return bean;
    }

    private static Field publicField(Class<?> type, String name) {
        try {
            Field field = type.getField(name);
            int modifiers = field.getModifiers();
            return Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers) ? null : field;
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static List<JsonValue> items(JsonValue value, Class<?> raw) throws IOException {
        if (value instanceof JsonValue.Arr array) {
            return array.items();
        }
        throw mismatch(value, raw);
    }

    private static String scalarText(JsonValue value, Class<?> raw) throws IOException {
        if (value instanceof JsonValue.Str string) {
            return string.value();
        }
        if (value instanceof JsonValue.Num number) {
            return number.value().toString();
        }
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            return value == JsonValue.TRUE ? "true" : "false";
        }
        throw mismatch(value, raw);
    }

    private static Object number(JsonValue value, Class<?> raw) throws IOException {
        BigDecimal decimal;
        try {
            decimal = value instanceof JsonValue.Num number ? toDecimal(number.value())
                    : new BigDecimal(scalarText(value, raw).trim());
        } catch (NumberFormatException e) {
            throw mismatch(value, raw);
        }
        try {
            if (raw == int.class || raw == Integer.class) {
                return decimal.intValueExact();
            } else if (raw == long.class || raw == Long.class) {
                return decimal.longValueExact();
            } else if (raw == short.class || raw == Short.class) {
                return decimal.shortValueExact();
            } else if (raw == byte.class || raw == Byte.class) {
                return decimal.byteValueExact();
            } else if (raw == double.class || raw == Double.class) {
                return decimal.doubleValue();
            } else if (raw == float.class || raw == Float.class) {
                return decimal.floatValue();
            } else if (raw == BigInteger.class) {
                return decimal.toBigIntegerExact();
            } else if (raw == BigDecimal.class || raw == Number.class) {
                return decimal;
            }
        } catch (ArithmeticException e) {
            throw new IOException(decimal + " does not fit a " + raw.getName(), e);
        }
        throw mismatch(value, raw);
    }

    private static BigDecimal toDecimal(Number n) {
        if (n instanceof BigDecimal decimal) {
            return decimal;
        }
        if (n instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (n instanceof Double || n instanceof Float) {
            return BigDecimal.valueOf(n.doubleValue());
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /** What databind's untyped reading gives: maps, lists, strings, Integer/Long/BigInteger, Double, Boolean. */
    private static Object natural(JsonValue value) {
        if (value instanceof JsonValue.Obj object) {
            Map<String, Object> map = new LinkedHashMap<>();
            object.members().forEach((name, member) -> map.put(name, natural(member)));
            return map;
        }
        if (value instanceof JsonValue.Arr array) {
            List<Object> list = new ArrayList<>(array.items().size());
            array.items().forEach(item -> list.add(natural(item)));
            return list;
        }
        if (value instanceof JsonValue.Str string) {
            return string.value();
        }
        if (value instanceof JsonValue.Num number) {
            Number n = number.value();
            if (n instanceof BigDecimal decimal) {
                return decimal.doubleValue();
            }
            if (n instanceof Long l && l == l.intValue()) {
                return l.intValue();
            }
            return n;
        }
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            return value == JsonValue.TRUE;
        }
        return null;
    }

    private static Object primitiveDefault(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        return zero(type);
    }

    private static Object zero(Class<?> type) {
        if (type == long.class) {
            return 0L;
        } else if (type == double.class) {
            return 0.0d;
        } else if (type == float.class) {
            return 0.0f;
        } else if (type == short.class) {
            return (short) 0;
        } else if (type == byte.class) {
            return (byte) 0;
        }
        return 0;
    }

    private static IOException mismatch(JsonValue value, Class<?> type) {
        String kind = value instanceof JsonValue.Obj ? "an object" : value instanceof JsonValue.Arr ? "an array"
                : value instanceof JsonValue.Str ? "a string" : value instanceof JsonValue.Num ? "a number"
                : "a literal";
        return new IOException("recorded " + kind + " does not read as a " + type.getName());
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        if (type instanceof GenericArrayType array) {
            return Array.newInstance(raw(array.getGenericComponentType()), 0).getClass();
        }
        if (type instanceof WildcardType wildcard) {
            return raw(wildcard.getUpperBounds()[0]);
        }
        return Object.class; // a type variable: read untyped
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index) {
            return parameterized.getActualTypeArguments()[index];
        }
        return Object.class;
    }
}
