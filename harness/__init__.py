"""The verification harness that tests/ and bench/ share: crawls of the fault replica
(`fault_matrix`), kill cycles (`process_faults`), a Redis cluster of workers and a
writer (`redis_cluster`), and crawl commands (`crawl_support`).

It lives outside tests/ so that bench/ never imports a test module; it is not part of
the installed product.
"""
