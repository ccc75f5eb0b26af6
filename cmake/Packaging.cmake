# Debian packages with CPack: `fieldkiosk` (the kiosk, fieldkiosk-ctl, surveys, assets, kiosk session)
# and `fieldkiosk-server` (the council's receiver). Build them with:
#   cmake --preset release && cmake --build --preset release && (cd build/release && cpack)
# Files go to their FHS places: /usr/bin, /usr/share/fieldkiosk, /etc/fieldkiosk, /var/lib/fieldkiosk
# (made by the maintainer scripts), /lib/systemd/system.
include(GNUInstallDirs)

set(FIELDKIOSK_PACKAGE_MAINTAINER "fieldkiosk maintainers <fieldkiosk@localhost>" CACHE STRING
    "Maintainer field of the .deb packages (set it to the council team's address)")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/survey_defs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/fieldkiosk/survey_defs
        COMPONENT kiosk PATTERN "README.md" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/installer/fieldkiosk.toml DESTINATION /etc/fieldkiosk COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/installer/systemd/fieldkiosk-kiosk.service DESTINATION /lib/systemd/system COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/installer/systemd/fieldkiosk-server.service DESTINATION /lib/systemd/system COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/installer/server.toml DESTINATION /etc/fieldkiosk COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/survey_defs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/fieldkiosk-server/survey_defs
        COMPONENT server PATTERN "README.md" EXCLUDE)
# Debian machine-readable copyright files (DEP-5): the project's MIT licence, and every third-party file
# shipped or compiled in with its own licence. installer/check-packages.sh checks them.
install(FILES ${PROJECT_SOURCE_DIR}/installer/debian/kiosk/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/fieldkiosk
        COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/installer/debian/server/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/fieldkiosk-server COMPONENT server)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "fieldkiosk")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "fieldkiosk")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_CONTACT "${FIELDKIOSK_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${FIELDKIOSK_PACKAGE_MAINTAINER}")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)          # dpkg-shlibdeps fills Depends from the binaries
set(CPACK_DEBIAN_PACKAGE_SECTION "misc")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME "fieldkiosk")
set(CPACK_DEBIAN_KIOSK_DESCRIPTION "Offline-first survey kiosk\n Touch-screen surveys for libraries and community centres; responses are saved\n on the device first and sent in batches to the council's server.")
# Fonts are read at run time (not linked), and cage runs the kiosk session.
# tzdata: [hours] are local times; without the zone files glibc silently uses UTC (an hour off in summer).
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "fonts-noto-core, fonts-noto-cjk, sqlite3, tzdata")
set(CPACK_DEBIAN_KIOSK_PACKAGE_RECOMMENDS "cage")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/installer/debian/kiosk/postinst;${PROJECT_SOURCE_DIR}/installer/debian/kiosk/conffiles")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME "fieldkiosk-server")
# procps: /bin/kill, which the unit's ExecReload (systemctl reload: re-read the surveys) runs.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "procps")
set(CPACK_DEBIAN_SERVER_DESCRIPTION "fieldkiosk reference receiver\n Receives batches of survey responses from fieldkiosk kiosks, exactly once,\n into SQLite or PostgreSQL.")
# /etc/fieldkiosk/server.toml is a conffile: an upgrade never overwrites the council's edits without asking.
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/installer/debian/server/postinst;${PROJECT_SOURCE_DIR}/installer/debian/server/conffiles")

include(CPack)
