package dev.patrol.model.event;

/**
 * Where a caller's address puts it, from the network model (config) and the GeoIP/ASN data. One class per address,
 * chosen in this order of precedence: MISSING, INVALID, CORPORATE, VPN_EGRESS, PRIVATE, RESERVED, TOR, ANONYMIZER,
 * TRUSTED_ASN, HOSTING, PUBLIC. Configured trust beats a database's hosting flag (CI runners live on cloud ASNs).
 */
public enum NetworkClass {
    /** The entry has no address (system and some service-principal events). */
    MISSING,
    /** The address is not an IP literal. */
    INVALID,
    /** Inside a configured corporate network. */
    CORPORATE,
    /** A configured corporate VPN egress range: on the network, though it may look like anywhere. */
    VPN_EGRESS,
    /** RFC 1918 / unique-local / loopback / link-local: should not reach ADO from outside; worth a look. */
    PRIVATE,
    /** Documentation, multicast and other reserved ranges. */
    RESERVED,
    /** A Tor exit node (from the configured exit list). */
    TOR,
    /** A commercial VPN, public proxy or other anonymizer (configured ASNs or an Anonymous-IP database). */
    ANONYMIZER,
    /** An ASN the organization trusts (e.g. its sanctioned CI runners). */
    TRUSTED_ASN,
    /** A hosting / cloud provider (configured ASNs or an Anonymous-IP database's hosting flag). */
    HOSTING,
    /** Anything else on the public internet. */
    PUBLIC;

    /** Whether an address of this class counts as "outside the corporate network" for token-use rules. */
    public boolean offNetwork() {
        return switch (this) {
            case TOR, ANONYMIZER, HOSTING, PUBLIC, RESERVED -> true;
            default -> false;
        };
    }
}
