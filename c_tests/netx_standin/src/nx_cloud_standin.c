/* Host stand-in for NetX Duo's cloud helper (see include/nx_cloud.h). Test support only. */
#define NX_CLOUD_SOURCE_CODE
#include "nx_cloud.h"

#include <stddef.h>
#include <string.h>

/* Module events are raised from any thread and from timer context: kept with atomics. */
static ULONG take_own_events(NX_CLOUD_MODULE *m)
{
    return __atomic_exchange_n(&m->nx_cloud_module_own_events, 0, __ATOMIC_ACQ_REL);
}

static VOID helper_entry(ULONG input)
{
    /* The helper is found from its thread (a ULONG cannot carry a pointer here). */
    NX_CLOUD *cloud = (NX_CLOUD *)(VOID *)((UCHAR *)tx_thread_identify() - offsetof(NX_CLOUD, nx_cloud_thread));
    (void)input;
    for (;;)
    {
        ULONG raised = 0;
        if (tx_event_flags_get(&cloud->nx_cloud_events, NX_CLOUD_ALL_EVENTS, TX_OR_CLEAR, &raised,
                               TX_WAIT_FOREVER) != TX_SUCCESS)
            return;
        tx_mutex_get(&cloud->nx_cloud_mutex, TX_WAIT_FOREVER);
        for (NX_CLOUD_MODULE *m = cloud->nx_cloud_modules_list_header; m != NX_NULL;
             m = m->nx_cloud_module_next)
        {
            ULONG mine = raised & m->nx_cloud_module_registered_events;
            if (mine == 0)
                continue;
            ULONG own = take_own_events(m);
            /* The routine runs without the helper's mutex (it may take it itself). */
            tx_mutex_put(&cloud->nx_cloud_mutex);
            m->nx_cloud_module_process(m->nx_cloud_module_context, mine, own);
            tx_mutex_get(&cloud->nx_cloud_mutex, TX_WAIT_FOREVER);
        }
        tx_mutex_put(&cloud->nx_cloud_mutex);
    }
}

static VOID periodic(ULONG input)
{
    NX_CLOUD *cloud;
    NX_TIMER_EXTENSION_PTR_GET(cloud, NX_CLOUD, input)
    tx_event_flags_set(&cloud->nx_cloud_events, NX_CLOUD_COMMON_PERIODIC_EVENT, TX_OR);
}

UINT _nx_cloud_create(NX_CLOUD *cloud_ptr, const CHAR *cloud_name, VOID *memory_ptr, ULONG memory_size,
                      UINT priority)
{
    memset(cloud_ptr, 0, sizeof(*cloud_ptr));
    cloud_ptr->nx_cloud_name = cloud_name;
    if (tx_mutex_create(&cloud_ptr->nx_cloud_mutex, (CHAR *)cloud_name, TX_NO_INHERIT) != TX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    if (tx_event_flags_create(&cloud_ptr->nx_cloud_events, (CHAR *)cloud_name) != TX_SUCCESS)
    {
        tx_mutex_delete(&cloud_ptr->nx_cloud_mutex);
        return NX_NOT_SUCCESSFUL;
    }
    if (tx_timer_create(&cloud_ptr->nx_cloud_periodic_timer, (CHAR *)cloud_name, periodic,
                        (ULONG)(ALIGN_TYPE)cloud_ptr, NX_IP_PERIODIC_RATE, NX_IP_PERIODIC_RATE,
                        TX_NO_ACTIVATE) != TX_SUCCESS)
    {
        tx_event_flags_delete(&cloud_ptr->nx_cloud_events);
        tx_mutex_delete(&cloud_ptr->nx_cloud_mutex);
        return NX_NOT_SUCCESSFUL;
    }
    NX_TIMER_EXTENSION_PTR_SET(&cloud_ptr->nx_cloud_periodic_timer, cloud_ptr)
    cloud_ptr->nx_cloud_id = NX_CLOUD_ID;
    if (tx_thread_create(&cloud_ptr->nx_cloud_thread, (CHAR *)cloud_name, helper_entry,
                         0, memory_ptr, memory_size, priority, priority, 1,
                         TX_DONT_START) != TX_SUCCESS)
    {
        cloud_ptr->nx_cloud_id = 0;
        tx_timer_delete(&cloud_ptr->nx_cloud_periodic_timer);
        tx_event_flags_delete(&cloud_ptr->nx_cloud_events);
        tx_mutex_delete(&cloud_ptr->nx_cloud_mutex);
        return NX_NOT_SUCCESSFUL;
    }
    tx_thread_resume(&cloud_ptr->nx_cloud_thread);
    tx_timer_activate(&cloud_ptr->nx_cloud_periodic_timer);
    return NX_SUCCESS;
}

UINT _nx_cloud_delete(NX_CLOUD *cloud_ptr)
{
    tx_mutex_get(&cloud_ptr->nx_cloud_mutex, TX_WAIT_FOREVER);
    if (cloud_ptr->nx_cloud_modules_count != 0)
    {
        tx_mutex_put(&cloud_ptr->nx_cloud_mutex);
        return NX_CLOUD_MODULE_BOUND;
    }
    tx_mutex_put(&cloud_ptr->nx_cloud_mutex);
    tx_timer_deactivate(&cloud_ptr->nx_cloud_periodic_timer);
    tx_timer_delete(&cloud_ptr->nx_cloud_periodic_timer);
    tx_thread_terminate(&cloud_ptr->nx_cloud_thread);
    tx_mutex_delete(&cloud_ptr->nx_cloud_mutex);
    tx_event_flags_delete(&cloud_ptr->nx_cloud_events);
    tx_thread_delete(&cloud_ptr->nx_cloud_thread);
    cloud_ptr->nx_cloud_id = 0;
    return NX_SUCCESS;
}

UINT _nx_cloud_module_register(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr, const CHAR *module_name,
                               ULONG module_event,
                               VOID (*module_process)(VOID *module_context, ULONG common_events,
                                                      ULONG module_own_events),
                               VOID *module_context)
{
    tx_mutex_get(&cloud_ptr->nx_cloud_mutex, TX_WAIT_FOREVER);
    for (NX_CLOUD_MODULE *m = cloud_ptr->nx_cloud_modules_list_header; m != NX_NULL; m = m->nx_cloud_module_next)
    {
        if (m == module_ptr)
        {
            tx_mutex_put(&cloud_ptr->nx_cloud_mutex);
            return NX_CLOUD_MODULE_ALREADY_REGISTERED;
        }
    }
    module_ptr->nx_cloud_module_name = module_name;
    module_ptr->nx_cloud_module_registered_events = module_event;
    module_ptr->nx_cloud_module_own_events = 0;
    module_ptr->nx_cloud_module_process = module_process;
    module_ptr->nx_cloud_module_context = module_context;
    module_ptr->nx_cloud_ptr = cloud_ptr;
    module_ptr->nx_cloud_module_next = cloud_ptr->nx_cloud_modules_list_header;
    cloud_ptr->nx_cloud_modules_list_header = module_ptr;
    cloud_ptr->nx_cloud_modules_count++;
    tx_mutex_put(&cloud_ptr->nx_cloud_mutex);
    return NX_SUCCESS;
}

UINT _nx_cloud_module_deregister(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr)
{
    tx_mutex_get(&cloud_ptr->nx_cloud_mutex, TX_WAIT_FOREVER);
    for (NX_CLOUD_MODULE **at = &cloud_ptr->nx_cloud_modules_list_header; *at != NX_NULL;
         at = &(*at)->nx_cloud_module_next)
    {
        if (*at == module_ptr)
        {
            /* The module's own link is left as it is: a helper thread that has just called
               this module's routine continues the list from it. */
            *at = module_ptr->nx_cloud_module_next;
            cloud_ptr->nx_cloud_modules_count--;
            tx_mutex_put(&cloud_ptr->nx_cloud_mutex);
            return NX_SUCCESS;
        }
    }
    tx_mutex_put(&cloud_ptr->nx_cloud_mutex);
    return NX_CLOUD_MODULE_NOT_REGISTERED;
}

UINT _nx_cloud_module_event_set(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event)
{
    __atomic_fetch_or(&cloud_module->nx_cloud_module_own_events, module_own_event, __ATOMIC_ACQ_REL);
    tx_event_flags_set(&cloud_module->nx_cloud_ptr->nx_cloud_events,
                       cloud_module->nx_cloud_module_registered_events & ~NX_CLOUD_COMMON_PERIODIC_EVENT,
                       TX_OR);
    return NX_SUCCESS;
}

UINT _nx_cloud_module_event_clear(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event)
{
    __atomic_fetch_and(&cloud_module->nx_cloud_module_own_events, ~module_own_event, __ATOMIC_ACQ_REL);
    return NX_SUCCESS;
}

/* ---- error-checking front ends ------------------------------------------------------------ */

UINT _nxe_cloud_create(NX_CLOUD *cloud_ptr, const CHAR *cloud_name, VOID *memory_ptr, ULONG memory_size,
                       UINT priority)
{
    if (cloud_ptr == NX_NULL || memory_ptr == NX_NULL)
        return NX_PTR_ERROR;
    if (memory_size < TX_MINIMUM_STACK)
        return NX_SIZE_ERROR;
    if (priority >= TX_MAX_PRIORITIES)
        return NX_OPTION_ERROR;
    return _nx_cloud_create(cloud_ptr, cloud_name, memory_ptr, memory_size, priority);
}

UINT _nxe_cloud_delete(NX_CLOUD *cloud_ptr)
{
    if (cloud_ptr == NX_NULL || cloud_ptr->nx_cloud_id != NX_CLOUD_ID)
        return NX_PTR_ERROR;
    return _nx_cloud_delete(cloud_ptr);
}

UINT _nxe_cloud_module_register(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr, const CHAR *module_name,
                                ULONG module_event,
                                VOID (*module_process)(VOID *module_context, ULONG common_events,
                                                       ULONG module_own_events),
                                VOID *module_context)
{
    if (cloud_ptr == NX_NULL || cloud_ptr->nx_cloud_id != NX_CLOUD_ID || module_ptr == NX_NULL ||
        module_process == NX_NULL)
        return NX_PTR_ERROR;
    if (module_event == 0)
        return NX_CLOUD_MODULE_EVENT_INVALID;
    return _nx_cloud_module_register(cloud_ptr, module_ptr, module_name, module_event, module_process,
                                     module_context);
}

UINT _nxe_cloud_module_deregister(NX_CLOUD *cloud_ptr, NX_CLOUD_MODULE *module_ptr)
{
    if (cloud_ptr == NX_NULL || cloud_ptr->nx_cloud_id != NX_CLOUD_ID || module_ptr == NX_NULL)
        return NX_PTR_ERROR;
    return _nx_cloud_module_deregister(cloud_ptr, module_ptr);
}

UINT _nxe_cloud_module_event_set(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event)
{
    if (cloud_module == NX_NULL)
        return NX_PTR_ERROR;
    if (module_own_event == 0)
        return NX_CLOUD_MODULE_EVENT_INVALID;
    return _nx_cloud_module_event_set(cloud_module, module_own_event);
}

UINT _nxe_cloud_module_event_clear(NX_CLOUD_MODULE *cloud_module, ULONG module_own_event)
{
    if (cloud_module == NX_NULL)
        return NX_PTR_ERROR;
    if (module_own_event == 0)
        return NX_CLOUD_MODULE_EVENT_INVALID;
    return _nx_cloud_module_event_clear(cloud_module, module_own_event);
}
