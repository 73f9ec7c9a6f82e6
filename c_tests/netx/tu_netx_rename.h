/* Forced include for c_tests/lib/tu.c in the NetX build (test support).
 *
 * tu.c defines tu_ip() and tu_pool() as dummy handles for the host port and calls them when it
 * creates a client. In the NetX build those two functions must return the stand-in's real IP
 * instance and packet pool (tu_netx.c). The macros below rename tu.c's own definitions (and
 * their declarations in tu.h), `tu_ip(void)` -> `tu_ip_host_unused(void)`, while its calls,
 * `tu_ip()`, still call the real tu_ip(). */
#ifndef NXD_TU_NETX_RENAME_H
#define NXD_TU_NETX_RENAME_H

#include "tx_api.h"
#include "nx_api.h"

NX_IP *tu_ip(void);
NX_PACKET_POOL *tu_pool(void);

#define tu_ip(x) tu_ip_netx_##x
#define tu_ip_netx_void tu_ip_host_unused(void)
#define tu_ip_netx_ tu_ip()
#define tu_pool(x) tu_pool_netx_##x
#define tu_pool_netx_void tu_pool_host_unused(void)
#define tu_pool_netx_ tu_pool()

#endif
