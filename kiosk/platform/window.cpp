// Index: GL entry points for the framebuffer object, create(), pump(), frames, fonts_changed(), screenshot().
#include "kiosk/platform/window.hpp"

#include "kiosk/platform/atlas_texture.hpp"

#include <SDL.h>
#include <SDL_opengl.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <stb_image_write.h>

#include <algorithm>
#include <vector>

namespace fieldkiosk::kiosk::platform {

struct Window::Impl {
    SDL_Window* window = nullptr;
    SDL_GLContext gl = nullptr;
    WindowOptions options;
    bool imgui_sdl = false, imgui_gl = false;
    std::unique_ptr<AtlasTexture> fonts;  // ImGui's font atlas on the GPU (fonts_changed())
    // Off-screen rendering (screenshots).
    PFNGLGENFRAMEBUFFERSPROC gen_framebuffers = nullptr;
    PFNGLBINDFRAMEBUFFERPROC bind_framebuffer = nullptr;
    PFNGLFRAMEBUFFERTEXTURE2DPROC framebuffer_texture = nullptr;
    PFNGLCHECKFRAMEBUFFERSTATUSPROC check_framebuffer = nullptr;
    PFNGLDELETEFRAMEBUFFERSPROC delete_framebuffers = nullptr;
    GLuint fbo = 0, fbo_tex = 0;
};

namespace {
template <class F>
F gl_proc(const char* name) {
    return reinterpret_cast<F>(SDL_GL_GetProcAddress(name));
}
}  // namespace

std::expected<std::unique_ptr<Window>, std::string> Window::create(const WindowOptions& options) {
    std::unique_ptr<Window> w(new Window());
    w->m = std::make_unique<Impl>();
    Impl& m = *w->m;
    m.options = options;
    const auto phase = [&](const char* name) {
        if (options.on_phase) options.on_phase(name);
    };
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");  // a finger is a mouse to ImGui (no gestures needed)
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0)
        return std::unexpected(std::string("SDL could not start the video system: ") + SDL_GetError());
    phase("SDL video");
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI;
    int ww = options.width, wh = options.height;
    if (options.fullscreen && !options.offscreen) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        SDL_DisplayMode dm;
        if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            ww = dm.w;
            wh = dm.h;
        }
    }
    m.window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ww, wh, flags);
    if (m.window == nullptr) return std::unexpected(std::string("SDL could not open a window: ") + SDL_GetError());
    phase("SDL window (the GL driver loaded)");
    m.gl = SDL_GL_CreateContext(m.window);
    if (m.gl == nullptr) return std::unexpected(std::string("no OpenGL 3 context: ") + SDL_GetError());
    SDL_GL_MakeCurrent(m.window, m.gl);
    SDL_GL_SetSwapInterval(1);
    if (options.fullscreen && !options.offscreen) SDL_ShowCursor(SDL_DISABLE);  // a touch kiosk has no pointer
    phase("GL context");

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing about a session is written to disk
    io.LogFilename = nullptr;
    m.imgui_sdl = ImGui_ImplSDL2_InitForOpenGL(m.window, m.gl);
    m.imgui_gl = ImGui_ImplOpenGL3_Init("#version 130");
    if (!m.imgui_sdl || !m.imgui_gl) return std::unexpected("Dear ImGui's SDL2/OpenGL3 backends could not start");
    // The OpenGL3 backend makes its shaders and buffers on the first NewFrame, and with them an RGBA copy of the
    // font atlas (four bytes a texel, converted on the CPU). Made here while the atlas is still empty (ImGui's
    // small built-in font), its texture is dropped: fonts_changed() uploads the kiosk's fonts one byte a texel.
    if (!ImGui_ImplOpenGL3_CreateDeviceObjects()) return std::unexpected("Dear ImGui's OpenGL3 shaders could not be made");
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    io.Fonts->Clear();
    m.fonts = std::make_unique<AtlasTexture>(AtlasTexture::Edges::Repeat);
    phase("ImGui backends and shaders");

    if (options.offscreen) {
        m.gen_framebuffers = gl_proc<PFNGLGENFRAMEBUFFERSPROC>("glGenFramebuffers");
        m.bind_framebuffer = gl_proc<PFNGLBINDFRAMEBUFFERPROC>("glBindFramebuffer");
        m.framebuffer_texture = gl_proc<PFNGLFRAMEBUFFERTEXTURE2DPROC>("glFramebufferTexture2D");
        m.check_framebuffer = gl_proc<PFNGLCHECKFRAMEBUFFERSTATUSPROC>("glCheckFramebufferStatus");
        m.delete_framebuffers = gl_proc<PFNGLDELETEFRAMEBUFFERSPROC>("glDeleteFramebuffers");
        if (!m.gen_framebuffers || !m.bind_framebuffer || !m.framebuffer_texture || !m.check_framebuffer ||
            !m.delete_framebuffers)
            return std::unexpected("the OpenGL driver has no framebuffer objects (needed for --screenshot)");
        glGenTextures(1, &m.fbo_tex);
        glBindTexture(GL_TEXTURE_2D, m.fbo_tex);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, options.width, options.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        m.gen_framebuffers(1, &m.fbo);
        m.bind_framebuffer(GL_FRAMEBUFFER, m.fbo);
        m.framebuffer_texture(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, m.fbo_tex, 0);
        if (m.check_framebuffer(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
            return std::unexpected("the off-screen framebuffer is incomplete");
        m.bind_framebuffer(GL_FRAMEBUFFER, 0);
        phase("off-screen framebuffer (screenshots)");
    }
    return w;
}

Window::~Window() {
    if (!m) return;
    if (m->fbo != 0) m->delete_framebuffers(1, &m->fbo);
    if (m->fbo_tex != 0) glDeleteTextures(1, &m->fbo_tex);
    m->fonts.reset();
    if (m->imgui_gl) ImGui_ImplOpenGL3_Shutdown();
    if (m->imgui_sdl) ImGui_ImplSDL2_Shutdown();
    if (ImGui::GetCurrentContext() != nullptr) ImGui::DestroyContext();
    if (m->gl != nullptr) SDL_GL_DeleteContext(m->gl);
    if (m->window != nullptr) SDL_DestroyWindow(m->window);
    SDL_Quit();
}

ImVec2 Window::size() const {
    if (m->options.offscreen) return {static_cast<float>(m->options.width), static_cast<float>(m->options.height)};
    int w = 0, h = 0;
    SDL_GetWindowSize(m->window, &w, &h);
    return {static_cast<float>(w), static_cast<float>(h)};
}

float Window::px_per_9mm() const {
    float hdpi = 0;
    const int display = SDL_GetWindowDisplayIndex(m->window);
    if (SDL_GetDisplayDPI(display < 0 ? 0 : display, nullptr, &hdpi, nullptr) != 0 || hdpi <= 0) return 0;
    return hdpi * 9.0f / 25.4f;
}

void wake_main_loop() {
    SDL_Event e{};
    e.type = SDL_USEREVENT;
    (void)SDL_PushEvent(&e);  // the loop only needs to wake up; a full queue already wakes it
}

bool Window::pump(std::chrono::milliseconds timeout, bool& had_input) {
    had_input = false;
    bool open = true;
    SDL_Event e;
    const int ms = static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, 60'000));
    const bool got = ms > 0 ? SDL_WaitEventTimeout(&e, ms) != 0 : SDL_PollEvent(&e) != 0;
    if (!got) return true;
    do {
        ImGui_ImplSDL2_ProcessEvent(&e);
        switch (e.type) {
            case SDL_QUIT:
                open = false;
                break;
            case SDL_WINDOWEVENT:
                if (e.window.event == SDL_WINDOWEVENT_CLOSE) open = false;
                had_input = true;
                break;
            case SDL_MOUSEBUTTONDOWN:
            case SDL_MOUSEBUTTONUP:
            case SDL_MOUSEMOTION:
            case SDL_FINGERDOWN:
            case SDL_FINGERUP:
            case SDL_FINGERMOTION:
            case SDL_KEYDOWN:
            case SDL_KEYUP:
            case SDL_TEXTINPUT:
            case SDL_MOUSEWHEEL:
                had_input = true;
                break;
            default:
                break;
        }
    } while (SDL_PollEvent(&e) != 0);
    return open;
}

void Window::begin_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    if (m->options.offscreen) {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = size();
        io.DisplayFramebufferScale = {1, 1};
    }
}

void Window::end_frame() {
    const ImVec2 s = size();
    if (m->options.offscreen) m->bind_framebuffer(GL_FRAMEBUFFER, m->fbo);
    glViewport(0, 0, static_cast<GLsizei>(s.x), static_cast<GLsizei>(s.y));
    glClearColor(0.97f, 0.97f, 0.96f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (m->options.offscreen) {
        glFinish();
        return;  // stays bound for screenshot()
    }
    SDL_GL_SwapWindow(m->window);
}

void Window::fonts_changed() {
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);  // builds the atlas if it is not built (or its pixels were cleared)
    m->fonts->upload(pixels, w, h, 0, 0, w, h);     // the whole atlas: every glyph may have moved
    io.Fonts->SetTexID(m->fonts->id());
}

std::expected<void, std::string> Window::screenshot(const std::filesystem::path& png) {
    const ImVec2 s = size();
    const int w = static_cast<int>(s.x), h = static_cast<int>(s.y);
    if (m->options.offscreen) m->bind_framebuffer(GL_FRAMEBUFFER, m->fbo);
    std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, rgb.data());
    if (m->options.offscreen) m->bind_framebuffer(GL_FRAMEBUFFER, 0);
    if (glGetError() != GL_NO_ERROR) return std::unexpected("glReadPixels failed");
    stbi_flip_vertically_on_write(1);  // OpenGL's rows run bottom-up, PNG's top-down
    if (stbi_write_png(png.string().c_str(), w, h, 3, rgb.data(), w * 3) == 0)
        return std::unexpected("could not write " + png.string());
    return {};
}

}  // namespace fieldkiosk::kiosk::platform
