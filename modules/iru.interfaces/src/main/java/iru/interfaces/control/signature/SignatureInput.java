package iru.interfaces.control.signature;

import iru.interfaces.control.signature.SignatureRejectedException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.IntegerItem;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.ParseException;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;

/**
 * One signature of a request: its `Signature-Input` member (covered components and parameters, RFC 9421 §4.1) and
 * the matching `Signature` member (§4.2), both RFC 8941 dictionaries. Only what this parser understands is accepted:
 * one signature per request, component identifiers without parameters, and the parameters of §2.3.
 *
 * @param label            the dictionary key both fields use
 * @param components       the covered component identifiers in order, e.g. `@method`, `content-digest`
 * @param signatureParams  the `@signature-params` value: the member serialized as RFC 8941 defines
 * @param signature        the signature bytes
 */
public record SignatureInput(String label, List<String> components, Optional<Long> created, Optional<Long> expires,
        Optional<String> keyId, Optional<String> alg, Optional<String> nonce, String signatureParams,
        byte[] signature) {
    private static final Set<String> PARAMETERS = Set.of("created", "expires", "keyid", "alg", "nonce", "tag");

    public SignatureInput {
        components = List.copyOf(components);
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Parses both fields (each the combined value of its field lines), or says why they are not acceptable. */
    public static SignatureInput parse(String signatureInputField, String signatureField)
            throws SignatureRejectedException {
        Map<String, ListElement<?>> inputs = dictionary("Signature-Input", signatureInputField);
        Map<String, ListElement<?>> signatures = dictionary("Signature", signatureField);
        if (inputs.size() != 1 || signatures.size() != 1) {
            throw malformed("send exactly one signature (one member in Signature-Input and in Signature)");
        }
        String label = inputs.keySet().iterator().next();
        if (!(inputs.get(label) instanceof InnerList input)) {
            throw malformed("the Signature-Input member must be an inner list of component identifiers");
        }
        if (!(signatures.get(label) instanceof ByteSequenceItem signatureItem)) {
            throw malformed("Signature must carry the label '" + label + "' as a byte sequence");
        }
        List<String> components = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Item<?> item : input.get()) {
            if (!(item instanceof StringItem component)) {
                throw malformed("component identifiers must be strings");
            }
            if (!component.getParams().isEmpty()) {
                throw new SignatureRejectedException(Reason.UNSUPPORTED_COMPONENT,
                        "component parameters are not supported ('" + component.get() + "')");
            }
            String name = component.get();
            if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.isEmpty()) {
                throw malformed("component identifiers must be lowercase ('" + name + "')");
            }
            if (!seen.add(name)) {
                throw malformed("component '" + name + "' is covered twice");
            }
            components.add(name);
        }
        Map<String, Item<?>> params = input.getParams();
        for (String name : params.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw malformed("unknown signature parameter '" + name + "'");
            }
        }
        ByteBuffer bytes = signatureItem.get();
        byte[] signature = new byte[bytes.remaining()];
        bytes.get(signature);
        parameter(params, "tag", StringItem.class, "a string"); // accepted, not used
        return new SignatureInput(label, components,
                parameter(params, "created", IntegerItem.class, "an integer").map(IntegerItem::getAsLong),
                parameter(params, "expires", IntegerItem.class, "an integer").map(IntegerItem::getAsLong),
                parameter(params, "keyid", StringItem.class, "a string").map(StringItem::get),
                parameter(params, "alg", StringItem.class, "a string").map(StringItem::get),
                parameter(params, "nonce", StringItem.class, "a string").map(StringItem::get), input.serialize(),
                signature);
    }

    private static Map<String, ListElement<?>> dictionary(String field, String value)
            throws SignatureRejectedException {
        try {
            Dictionary parsed = Parser.parseDictionary(value);
            return parsed.get();
        } catch (ParseException e) {
            throw malformed(field + " is not an RFC 8941 dictionary");
        }
    }

    private static <T extends Item<?>> Optional<T> parameter(Map<String, Item<?>> params, String name, Class<T> type,
            String typeName) throws SignatureRejectedException {
        Item<?> item = params.get(name);
        if (item == null) {
            return Optional.empty();
        }
        if (!type.isInstance(item)) {
            throw malformed("signature parameter '" + name + "' must be " + typeName);
        }
        return Optional.of(type.cast(item));
    }

    private static SignatureRejectedException malformed(String detail) {
        return new SignatureRejectedException(Reason.MALFORMED_SIGNATURE, detail);
    }
}
