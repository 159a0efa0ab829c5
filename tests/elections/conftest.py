from tests.registration.test_key_rotation import key_ring  # noqa: F401  (fixture)
